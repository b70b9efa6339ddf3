/**
 * An OpenTelemetry span exporter that writes flat span documents into daily Elasticsearch indices.
 */
package io.flowlens.exporter.elasticsearch;
