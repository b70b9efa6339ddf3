package io.flowlens.platform.telemetry;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Process-wide counts of spans handed to the exporters: delivered, and dropped because an export failed (the OTLP
 * exporter does not retry, so a failed batch is lost). Read by {@link SpanDeliveryMetrics} for {@code /metrics}.
 */
public final class SpanDelivery {

    private static final AtomicLong EXPORTED = new AtomicLong();
    private static final AtomicLong DROPPED = new AtomicLong();

    private SpanDelivery() {
    }

    public static long exported() {
        return EXPORTED.get();
    }

    public static long dropped() {
        return DROPPED.get();
    }

    static void recordExported(int spans) {
        EXPORTED.addAndGet(spans);
    }

    /** Answers the new total. */
    static long recordDropped(int spans) {
        return DROPPED.addAndGet(spans);
    }
}
