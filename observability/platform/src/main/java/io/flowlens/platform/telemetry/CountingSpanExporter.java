package io.flowlens.platform.telemetry;


import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * Wraps whatever exporter OpenTelemetry's autoconfiguration built and counts each batch as delivered or dropped in
 * {@link SpanDelivery}. A failing backend is logged at most once a minute, with the running total, instead of once
 * per batch.
 */
final class CountingSpanExporter implements SpanExporter {

    private static final Logger LOGGER = Logger.getLogger(CountingSpanExporter.class.getName());

    private final SpanExporter delegate;
    private static final long WARN_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    CountingSpanExporter(SpanExporter delegate) {
        this.delegate = delegate;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        int count = spans.size();
        CompletableResultCode result = delegate.export(spans);
        result.whenComplete(() -> {
            if (result.isSuccess()) {
                SpanDelivery.recordExported(count);
            } else {
                long total = SpanDelivery.recordDropped(count);
                warnAtMostOncePerMinute("span export failing (" + delegate + "): " + total + " spans dropped so far");
            }
        });
        return result;
    }

    private void warnAtMostOncePerMinute(String message) {
        long last = lastWarning.get();
        long now = System.nanoTime();
        if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
            LOGGER.warning(message);
        }
    }

    @Override
    public CompletableResultCode flush() {
        return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
        return delegate.shutdown();
    }

    @Override
    public String toString() {
        return "CountingSpanExporter{" + delegate + "}";
    }
}
