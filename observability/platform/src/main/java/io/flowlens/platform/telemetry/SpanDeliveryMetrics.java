package io.flowlens.platform.telemetry;


import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * Publishes span delivery on {@code /metrics}: {@link SpanDelivery} for the service's span export
 * ({@code flowlens_telemetry_spans_exported / _dropped}).
 */
@ApplicationScoped
public class SpanDeliveryMetrics {

    static final String EXPORTED = "flowlens.telemetry.spans.exported";
    static final String DROPPED = "flowlens.telemetry.spans.dropped";

    private final MetricRegistry registry;

    @Inject
    public SpanDeliveryMetrics(MetricRegistry registry) {
        this.registry = registry;
    }

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        registry.gauge(EXPORTED, SpanDelivery::exported);
        registry.gauge(DROPPED, SpanDelivery::dropped);
    }
}
