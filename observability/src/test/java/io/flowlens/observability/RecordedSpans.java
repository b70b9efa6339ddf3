package io.flowlens.observability;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import io.opentelemetry.sdk.trace.data.SpanData;

/** Waits for the spans a test expects to reach {@link MemorySpanExporterProvider} (the SDK exports in batches). */
public final class RecordedSpans {

    private RecordedSpans() {
    }

    public static void reset() {
        MemorySpanExporterProvider.SPANS.reset();
    }

    /** The spans of one trace once one of them matches {@code complete}, polling up to {@code timeout}. */
    public static List<SpanData> awaitTrace(Predicate<SpanData> complete, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<SpanData> spans = MemorySpanExporterProvider.SPANS.getFinishedSpanItems();
            for (SpanData span : spans) {
                if (complete.test(span)) {
                    String traceId = span.getTraceId();
                    return spans.stream().filter(s -> s.getTraceId().equals(traceId)).toList();
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("no span matched within " + timeout + "; recorded: "
                + MemorySpanExporterProvider.SPANS.getFinishedSpanItems().stream().map(SpanData::getName).toList());
    }

    public static SpanData named(List<SpanData> spans, String name) {
        return spans.stream().filter(s -> s.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no span '" + name + "' in "
                        + spans.stream().map(SpanData::getName).toList()));
    }
}
