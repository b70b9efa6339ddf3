package io.flowlens.platform.telemetry;

import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;

/**
 * Autoconfigure SPI hook: every span exporter the service configures ({@code otel.traces.exporter}) gets counted.
 * With the default pipeline that is the one OTLP export to the collector; an exporter that only enqueues (such as
 * the optional Elasticsearch exporter) is counted as delivered once it accepted the batch and counts its own
 * outcomes on its meter. Spans the batch processor drops on a full queue are counted too ({@link QueueFullDrops}).
 * Every span processor is remembered, so {@link SpanFlushOnShutdown} can export what it still
 * holds when the service stops.
 */
public final class SpanDeliveryCustomizer implements AutoConfigurationCustomizerProvider {

    @Override
    public void customize(AutoConfigurationCustomizer customizer) {
        customizer.addSpanExporterCustomizer((exporter, config) -> new CountingSpanExporter(exporter));
        customizer.addSpanProcessorCustomizer((processor, config) -> SpanFlushOnShutdown.remember(processor));
        QueueFullDrops queueFullDrops = new QueueFullDrops();
        SpanDelivery.watch(queueFullDrops);
        customizer.addMeterProviderCustomizer((builder, config) -> queueFullDrops.addTo(builder));
    }
}
