/**
 * The span indexer: OTLP/HTTP spans from Jaeger's otlphttp exporter in, {@code flowlens-spans-*} documents out through
 * the Elasticsearch span exporter.
 */
package io.flowlens.spanindexer;
