/**
 * Idempotency-Key handling: a POST with a key is answered once and replayed after, whatever the retries; keys are
 * leased while their request runs and deleted after their retention.
 */
package io.flowlens.platform.idempotency;
