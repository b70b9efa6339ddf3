/**
 * Test fixtures the services share: in-memory spans, contract-validating clients, a stand-in users service.
 */
package io.flowlens.testing;
