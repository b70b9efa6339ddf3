package io.flowlens.testing;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import java.util.Collection;

/**
 * Test exporter selected with {@code otel.traces.exporter=memory}: keeps finished spans in {@link #SPANS} so a test can
 * assert the spans a request made. Every {@code @HelidonTest} class shuts its SDK down, so shutdown must not clear them.
 */
public final class MemorySpanExporterProvider implements ConfigurableSpanExporterProvider {

    /** The spans of every SDK in this JVM; tests reset it before they act. */
    public static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

    @Override
    public SpanExporter createExporter(ConfigProperties config) {
        return new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                return SPANS.export(spans);
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
    }

    @Override
    public String getName() {
        return "memory";
    }
}
