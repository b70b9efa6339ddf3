/**
 * What every Flowlens service shares: problem+json error mapping, business and database spans, downstream-call
 * error translation and the pooled database with its readiness check.
 */
package io.flowlens.observability;
