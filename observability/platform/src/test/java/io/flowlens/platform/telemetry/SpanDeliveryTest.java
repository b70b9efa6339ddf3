package io.flowlens.platform.telemetry;

import java.util.Collection;
import java.util.Map;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

/**
 * The SDK as the services build it (autoconfigure, with {@link SpanDeliveryCustomizer} found through its SPI file),
 * in front of an exporter that hangs the way the OTLP exporter does while it retries an unreachable collector.
 */
class SpanDeliveryTest {

    private static final int QUEUE = 8;
    private static final int BATCH = 4;
    private static final int SPANS = 100;

    @Test
    void spansAFullQueueThrowsAwayAreCountedAsDropped() {
        HangingExporter hanging = new HangingExporter();
        long droppedBefore = SpanDelivery.dropped();
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> Map.of(
                        "otel.service.name", "span-delivery-test",
                        "otel.traces.exporter", "otlp",
                        "otel.metrics.exporter", "none",
                        "otel.logs.exporter", "none",
                        "otel.bsp.max.queue.size", String.valueOf(QUEUE),
                        "otel.bsp.max.export.batch.size", String.valueOf(BATCH),
                        "otel.bsp.schedule.delay", "10",
                        "otel.bsp.export.timeout", "60000"))
                .addSpanExporterCustomizer((otlp, config) -> {
                    otlp.shutdown();
                    return hanging;
                })
                .build().getOpenTelemetrySdk();
        try {
            Tracer tracer = sdk.getTracer("test");
            for (int i = 0; i < SPANS; i++) {
                tracer.spanBuilder("span-" + i).startSpan().end();
            }
            // the worker holds at most one batch in its hanging export, the queue at most QUEUE: the rest is gone
            assertThat(SpanDelivery.dropped() - droppedBefore,
                    allOf(greaterThanOrEqualTo((long) SPANS - QUEUE - BATCH), lessThanOrEqualTo((long) SPANS - QUEUE)));
        } finally {
            hanging.answer.succeed();
            sdk.close();
        }
    }

    /** Answers every call with one result that completes only when the test says so, as a retrying exporter would. */
    private static final class HangingExporter implements SpanExporter {
        private final CompletableResultCode answer = new CompletableResultCode();

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            return answer;
        }

        @Override
        public CompletableResultCode flush() {
            return answer;
        }

        @Override
        public CompletableResultCode shutdown() {
            return answer;
        }
    }
}
