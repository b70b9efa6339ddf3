package io.flowlens.observability;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * Publishes span delivery on {@code /metrics}: {@link SpanDelivery} for the OTLP export
 * ({@code flowlens_telemetry_spans_exported / _dropped}) and {@link ElasticsearchExportStats} for the Elasticsearch
 * exporter ({@code flowlens_telemetry_elasticsearch_spans_indexed / _dropped / _failed / _retried / _queued}).
 */
@ApplicationScoped
public class SpanDeliveryMetrics {

    static final String EXPORTED = "flowlens.telemetry.spans.exported";
    static final String DROPPED = "flowlens.telemetry.spans.dropped";
    static final String ES_PREFIX = "flowlens.telemetry.elasticsearch.spans.";

    private final MetricRegistry registry;

    @Inject
    public SpanDeliveryMetrics(MetricRegistry registry) {
        this.registry = registry;
    }

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        registry.gauge(EXPORTED, SpanDelivery::exported);
        registry.gauge(DROPPED, SpanDelivery::dropped);
        ElasticsearchExportStats es = ElasticsearchExportStats.PROCESS;
        registry.gauge(ES_PREFIX + "indexed", es::indexed);
        registry.gauge(ES_PREFIX + "dropped", es::dropped);
        registry.gauge(ES_PREFIX + "failed", es::failed);
        registry.gauge(ES_PREFIX + "retried", es::retried);
        registry.gauge(ES_PREFIX + "queued", es::queued);
    }
}
