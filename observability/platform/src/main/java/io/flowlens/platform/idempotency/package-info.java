/**
 * Idempotency-Key handling: a POST with a key is answered once and replayed after, whatever the retries; keys are
 * claimed in their request's transaction (or committed first with a lease, for work that calls other services) and
 * deleted after their retention.
 */
package io.flowlens.platform.idempotency;
