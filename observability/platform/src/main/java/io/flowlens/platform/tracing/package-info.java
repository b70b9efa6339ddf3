/**
 * Business spans and the span attribute names the services, queries and dashboards share.
 */
package io.flowlens.platform.tracing;
