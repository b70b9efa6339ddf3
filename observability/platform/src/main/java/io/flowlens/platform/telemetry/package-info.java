/**
 * Counts of the spans each service exports and drops, published on /metrics.
 */
package io.flowlens.platform.telemetry;
