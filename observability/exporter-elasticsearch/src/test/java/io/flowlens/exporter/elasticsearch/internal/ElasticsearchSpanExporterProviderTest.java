package io.flowlens.exporter.elasticsearch.internal;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** What autoconfigure does with the provider: make an exporter from config, then hand over the SDK it built. */
class ElasticsearchSpanExporterProviderTest {

    @Test
    void exportersMadeBeforeTheSdkCountIntoTheSdksMeterProviderOnceHandedOver() {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        ElasticsearchSpanExporterProvider provider = new ElasticsearchSpanExporterProvider();
        // nothing listens on port 9: the one span the queue takes just waits; the two it cannot take are dropped
        SpanExporter exporter = provider.createExporter(DefaultConfigProperties.createFromMap(Map.of(
                "otel.exporter.elasticsearch.endpoint", "http://127.0.0.1:9",
                "otel.exporter.elasticsearch.queue-size", "1")));
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build()) {
            provider.afterAutoConfigure(sdk);

            InMemorySpanExporter recorded = InMemorySpanExporter.create();
            Tracer tracer = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(recorded)).build()
                    .get("io.flowlens.test");
            for (int i = 0; i < 3; i++) {
                tracer.spanBuilder("span " + i).startSpan().end();
            }
            exporter.export(recorded.getFinishedSpanItems());

            long dropped = reader.collectAllMetrics().stream()
                    .filter(metric -> metric.getName().equals("flowlens.exporter.elasticsearch.spans.dropped"))
                    .flatMap(metric -> metric.getData().getPoints().stream())
                    .mapToLong(point -> ((LongPointData) point).getValue()).sum();
            assertThat(dropped, is(2L));
        } finally {
            exporter.shutdown().join(20, TimeUnit.SECONDS);
        }
    }
}
