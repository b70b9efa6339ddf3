package io.flowlens.exporter.elasticsearch;

import java.util.function.IntSupplier;
import java.util.function.Supplier;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;

/**
 * The exporter's counts as OpenTelemetry metrics, one set of instruments per exporter told apart by
 * {@code otel.component.name}. The meter provider is resolved at the first count, not at construction: autoconfigure
 * makes exporters before the SDK's meter provider exists, as it does for its own OTLP exporters.
 */
final class ExportMeters {

    static final String SCOPE = "io.flowlens.exporter.elasticsearch";
    static final AttributeKey<String> COMPONENT_NAME = AttributeKey.stringKey("otel.component.name");
    static final AttributeKey<String> COMPONENT_TYPE = AttributeKey.stringKey("otel.component.type");

    private final Supplier<MeterProvider> meterProvider;
    private final Attributes attributes;
    private final IntSupplier queued;
    private volatile Instruments instruments;

    ExportMeters(Supplier<MeterProvider> meterProvider, String componentName, IntSupplier queued) {
        this.meterProvider = meterProvider;
        this.attributes = Attributes.of(COMPONENT_TYPE, "elasticsearch_span_exporter", COMPONENT_NAME, componentName);
        this.queued = queued;
    }

    void indexed(long spans) {
        instruments().indexed.add(spans, attributes);
    }

    void dropped(long spans) {
        instruments().dropped.add(spans, attributes);
    }

    void failed(long spans) {
        instruments().failed.add(spans, attributes);
    }

    void retried(long spans) {
        instruments().retried.add(spans, attributes);
    }

    void errors(long count) {
        instruments().errors.add(count, attributes);
    }

    private Instruments instruments() {
        Instruments current = instruments;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (instruments == null) {
                MeterProvider provider = meterProvider.get();
                Instruments made = new Instruments(provider.get(SCOPE), attributes, queued);
                // a no-op provider (the SDK's not made yet) is asked again at the next count instead of kept for good
                if (provider.equals(MeterProvider.noop())) {
                    return made;
                }
                instruments = made;
            }
            return instruments;
        }
    }

    private static final class Instruments {
        private final LongCounter indexed;
        private final LongCounter dropped;
        private final LongCounter failed;
        private final LongCounter retried;
        private final LongCounter errors;

        Instruments(Meter meter, Attributes attributes, IntSupplier queued) {
            indexed = counter(meter, "indexed", "Spans written to Elasticsearch");
            dropped = counter(meter, "dropped", "Spans dropped: queue full, or given up after retries");
            failed = counter(meter, "failed", "Spans rejected by Elasticsearch");
            retried = counter(meter, "retried", "Span writes retried");
            errors = meter.counterBuilder("flowlens.exporter.elasticsearch.writer.errors")
                    .setDescription("Unexpected exceptions the span writer survived").setUnit("{error}").build();
            meter.upDownCounterBuilder("flowlens.exporter.elasticsearch.spans.queued")
                    .setDescription("Spans waiting for Elasticsearch").setUnit("{span}")
                    .buildWithCallback(measurement -> measurement.record(queued.getAsInt(), attributes));
        }

        private static LongCounter counter(Meter meter, String outcome, String description) {
            return meter.counterBuilder("flowlens.exporter.elasticsearch.spans." + outcome)
                    .setDescription(description).setUnit("{span}").build();
        }
    }
}
