package io.flowlens.systemtests;

/**
 * Reads one sample from a Prometheus text page: a Helidon {@code /metrics} or Jaeger's collector metrics, e.g.
 * {@code otelcol_exporter_send_failed_spans_total{exporter="otlphttp/indexer",...}}.
 */
final class PrometheusMetrics {

    /** The label on the counters of Jaeger's Elasticsearch span writer ({@code jaeger_storage_bulk_index_*}). */
    static final String JAEGER_STORAGE_WRITER = "role=\"tracestore\"";

    private PrometheusMetrics() {
    }

    /** The sample of {@code name} whose labels contain {@code labels} (e.g. {@code exporter="otlphttp/indexer"}). */
    static long value(String url, String name, String labels) {
        return valueOr(url, name, labels, null);
    }

    /**
     * As {@link #value}, or {@code absent} when no such sample is on the page: the collector publishes some counters
     * (e.g. {@code otelcol_exporter_enqueue_failed_spans_total}) only once they have counted something.
     */
    static long valueOr(String url, String name, String labels, Long absent) {
        // polled by the outage tests: no RestAssured (Groovy) per read
        return JsonHttp.ok(JsonHttp.get(url)).body().lines()
                .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .filter(line -> labels.isEmpty() || line.contains(labels))
                .map(line -> line.substring(line.lastIndexOf(' ') + 1))
                .mapToLong(value -> (long) Double.parseDouble(value))
                .boxed().findFirst()
                .or(() -> java.util.Optional.ofNullable(absent))
                .orElseThrow(() -> new AssertionError("no " + name + " {" + labels + "} on " + url));
    }

    /** The span indexer's counter, e.g. {@code flowlens_telemetry_elasticsearch_spans_dropped}. */
    static long indexer(SystemUnderTest system, String name) {
        return value(system.indexer() + "/metrics", name, "");
    }

    /** One of Jaeger's exporter counters for the span indexer's exporter (0 until the collector first counts it). */
    static long jaegerToIndexer(SystemUnderTest system, String name) {
        return valueOr(system.jaegerMetrics(), name, "exporter=\"otlphttp/indexer\"", 0L);
    }

    /**
     * One of the counters of Jaeger's Elasticsearch span writer ({@code role="tracestore"}), e.g.
     * {@code jaeger_storage_bulk_index_errors_total}; 0 until its first bulk.
     */
    static long jaegerStorageWriter(SystemUnderTest system, String name) {
        return valueOr(system.jaegerMetrics(), name, JAEGER_STORAGE_WRITER, 0L);
    }

    /** One of Jaeger's exporter counters for its Elasticsearch storage exporter (0 until first counted). */
    static long jaegerToStorage(SystemUnderTest system, String name) {
        return valueOr(system.jaegerMetrics(), name, "exporter=\"jaeger_storage_exporter\"", 0L);
    }
}
