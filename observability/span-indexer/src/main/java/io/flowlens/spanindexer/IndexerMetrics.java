package io.flowlens.spanindexer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * The indexer on {@code /metrics}: what it received, and the exporter's counts under the same names the services
 * publish for their in-process exporter ({@code flowlens_telemetry_elasticsearch_spans_*}), so dashboards and tests
 * read one set of names whichever path wrote the documents.
 */
@ApplicationScoped
public class IndexerMetrics {

    private final MetricRegistry registry;
    private final SpanSink sink;

    @Inject
    public IndexerMetrics(MetricRegistry registry, SpanSink sink) {
        this.registry = registry;
        this.sink = sink;
    }

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        registry.gauge("flowlens.indexer.requests.received", sink::receivedRequests);
        registry.gauge("flowlens.indexer.spans.received", sink::receivedSpans);
        registry.gauge("flowlens.indexer.spans.refused", sink::refusedSpans);
        registry.gauge("flowlens.indexer.spans.rejected", sink::rejectedSpans);
        registry.gauge("flowlens.telemetry.elasticsearch.spans.indexed", () -> sink.stats().indexed());
        registry.gauge("flowlens.telemetry.elasticsearch.spans.dropped", () -> sink.stats().dropped());
        registry.gauge("flowlens.telemetry.elasticsearch.spans.failed", () -> sink.stats().failed());
        registry.gauge("flowlens.telemetry.elasticsearch.spans.retried", () -> sink.stats().retried());
        registry.gauge("flowlens.telemetry.elasticsearch.spans.queued", () -> sink.stats().queued());
    }
}
