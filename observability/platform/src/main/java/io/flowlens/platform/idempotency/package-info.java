/**
 * Idempotency-Key handling: a POST with a key is answered once and replayed after, whatever the retries.
 */
package io.flowlens.platform.idempotency;
