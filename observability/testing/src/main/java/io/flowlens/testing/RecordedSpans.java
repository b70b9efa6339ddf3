package io.flowlens.testing;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.opentelemetry.sdk.trace.data.SpanData;

/**
 * Waits for the spans of one request to reach {@link MemorySpanExporterProvider} (the SDK exports in batches). A test
 * sends its own W3C {@code traceparent}, so it finds exactly its request's trace, never a late span of an earlier test.
 */
public final class RecordedSpans {

    private static final SecureRandom RANDOM = new SecureRandom();

    private RecordedSpans() {
    }

    /** A sampled W3C trace context to send as the {@code traceparent} header. */
    public record Traceparent(String traceId, String header) {
    }

    public static Traceparent traceparent() {
        byte[] trace = new byte[16];
        byte[] parent = new byte[8];
        RANDOM.nextBytes(trace);
        RANDOM.nextBytes(parent);
        String traceId = HexFormat.of().formatHex(trace);
        return new Traceparent(traceId, "00-" + traceId + "-" + HexFormat.of().formatHex(parent) + "-01");
    }

    /** The spans of trace {@code traceId} once a span named {@code lastSpan} (the one that ends last) arrived. */
    public static List<SpanData> awaitTrace(String traceId, String lastSpan, Duration timeout) {
        return await(() -> {
            List<SpanData> spans = MemorySpanExporterProvider.SPANS.getFinishedSpanItems().stream()
                    .filter(s -> s.getTraceId().equals(traceId)).toList();
            return spans.stream().anyMatch(s -> s.getName().equals(lastSpan)) ? Optional.of(spans) : Optional.empty();
        }, "no span '" + lastSpan + "' in trace " + traceId, timeout);
    }

    /** The first exported span that matches, for work that starts its own trace (a scheduled job, not a request). */
    public static SpanData awaitSpan(Predicate<SpanData> matching, String description, Duration timeout) {
        return await(() -> MemorySpanExporterProvider.SPANS.getFinishedSpanItems().stream().filter(matching).findFirst(),
                "no span " + description, timeout);
    }

    /** Polls the exported spans until {@code found} answers something, or fails with {@code missing}. */
    private static <T> T await(Supplier<Optional<T>> found, String missing, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<T> result = found.get();
            if (result.isPresent()) {
                return result.get();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError(missing + " within " + timeout);
    }

    public static SpanData named(List<SpanData> spans, String name) {
        return spans.stream().filter(s -> s.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no span '" + name + "' in "
                        + spans.stream().map(SpanData::getName).toList()));
    }
}
