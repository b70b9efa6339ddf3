package io.flowlens.observability;

import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;

/**
 * Autoconfigure SPI hook: the span exporters the services configure (otel.traces.exporter) get counted. The
 * Elasticsearch exporter is left alone: it only enqueues in {@code export}, so it counts its own outcomes, later and
 * more precisely ({@link ElasticsearchExportStats}).
 */
public final class SpanDeliveryCustomizer implements AutoConfigurationCustomizerProvider {

    @Override
    public void customize(AutoConfigurationCustomizer customizer) {
        customizer.addSpanExporterCustomizer((exporter, config) ->
                exporter instanceof ElasticsearchSpanExporter ? exporter : new CountingSpanExporter(exporter));
    }
}
