package io.flowlens.platform.telemetry;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Process-wide counts of spans: delivered by an exporter, and dropped, either because an export failed for good
 * (after the OTLP exporter's own retries) or because the batch span processor's queue was full while exports were
 * failing ({@link QueueFullDrops}). Read by {@link SpanDeliveryMetrics} for {@code /metrics}.
 */
public final class SpanDelivery {

    private static final AtomicLong EXPORTED = new AtomicLong();
    private static final AtomicLong DROPPED = new AtomicLong();
    /** Set while the SDK is built; the autoconfigure SPI knows no CDI. */
    private static volatile QueueFullDrops queueFullDrops;

    private SpanDelivery() {
    }

    public static long exported() {
        return EXPORTED.get();
    }

    /** Failed exports plus full-queue drops. */
    public static long dropped() {
        QueueFullDrops queue = queueFullDrops;
        return DROPPED.get() + (queue == null ? 0 : queue.dropped());
    }

    static void watch(QueueFullDrops queue) {
        queueFullDrops = queue;
    }

    static void recordExported(int spans) {
        EXPORTED.addAndGet(spans);
    }

    /** Answers the new total. */
    static long recordDropped(int spans) {
        return DROPPED.addAndGet(spans);
    }
}
