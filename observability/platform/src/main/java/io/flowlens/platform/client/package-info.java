/**
 * Calls to other services through the generated REST clients: timeouts, retries and their problems.
 */
package io.flowlens.platform.client;
