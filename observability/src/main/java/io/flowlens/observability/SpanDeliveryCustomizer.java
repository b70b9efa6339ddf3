package io.flowlens.observability;

import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;

/** Autoconfigure SPI hook: every span exporter the services configure (otel.traces.exporter) gets counted. */
public final class SpanDeliveryCustomizer implements AutoConfigurationCustomizerProvider {

    @Override
    public void customize(AutoConfigurationCustomizer customizer) {
        customizer.addSpanExporterCustomizer((exporter, config) -> new CountingSpanExporter(exporter));
    }
}
