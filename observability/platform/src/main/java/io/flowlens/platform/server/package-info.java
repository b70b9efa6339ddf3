/**
 * The service process itself: what it does when it cannot serve.
 */
package io.flowlens.platform.server;
