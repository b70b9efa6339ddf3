package io.flowlens.platform.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;

/**
 * Spans the batch span processor threw away because its queue was full, read on demand from the counter the
 * processor keeps on the SDK's meter provider ({@code processedSpans{dropped=true}}, its "legacy" internal
 * telemetry, which autoconfigure selects). While the collector is unreachable the OTLP exporter retries a batch for
 * seconds and the queue ({@code otel.bsp.max.queue.size}) fills; those spans never reach an exporter, so
 * {@link CountingSpanExporter} cannot see them. With {@code otel.metrics.exporter=none} the meter provider has no
 * reader and every instrument is a no-op; this reader aggregates that one counter and drops everything else, so
 * the other instruments stay as cheap as before.
 */
final class QueueFullDrops implements MetricReader {

    static final String SCOPE = "io.opentelemetry.sdk.trace";
    static final String COUNTER = "processedSpans";
    private static final AttributeKey<Boolean> DROPPED = AttributeKey.booleanKey("dropped");

    private volatile CollectionRegistration registration = CollectionRegistration.noop();

    /** Adds this reader, and the one view it needs, to the SDK's meter provider. */
    SdkMeterProviderBuilder addTo(SdkMeterProviderBuilder builder) {
        return builder.registerMetricReader(this)
                .registerView(InstrumentSelector.builder().setMeterName(SCOPE).setName(COUNTER).build(),
                        View.builder().setAggregation(Aggregation.sum()).build());
    }

    /** Spans dropped on a full queue since the process started, over every batch span processor. */
    long dropped() {
        long total = 0;
        for (MetricData metric : registration.collectAllMetrics()) {
            if (COUNTER.equals(metric.getName()) && SCOPE.equals(metric.getInstrumentationScopeInfo().getName())) {
                for (LongPointData point : metric.getLongSumData().getPoints()) {
                    if (Boolean.TRUE.equals(point.getAttributes().get(DROPPED))) {
                        total += point.getValue();
                    }
                }
            }
        }
        return total;
    }

    @Override
    public void register(CollectionRegistration registration) {
        this.registration = registration;
    }

    /** Every instrument without a view of its own records nothing for this reader. */
    @Override
    public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
        return Aggregation.drop();
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
        return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode forceFlush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        registration = CollectionRegistration.noop();
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public String toString() {
        return "QueueFullDrops{" + SCOPE + "/" + COUNTER + "}";
    }
}
