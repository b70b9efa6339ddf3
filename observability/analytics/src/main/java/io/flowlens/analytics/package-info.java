/**
 * The analytics core: reports, dependency map, consistency and retention over the span documents in Elasticsearch
 * and Jaeger's query API, each answering records a CLI or a web console can render.
 */
package io.flowlens.analytics;
