/**
 * What every Flowlens service shares: problem+json error mapping, business and database spans, downstream-call
 * error translation and the pooled database with its readiness check; and the {@code flowlens} CLI
 * ({@link io.flowlens.observability.FlowlensCli}): queries, analytics, alert checks and retention over the span
 * documents in Elasticsearch.
 */
package io.flowlens.observability;
