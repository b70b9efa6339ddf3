package io.flowlens.observability;

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
    private static final long LOG_INTERVAL_NANOS = 60_000_000_000L;

    private final SpanExporter delegate;
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

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
                long now = System.nanoTime();
                long last = lastWarning.get();
                if (now - last >= LOG_INTERVAL_NANOS && lastWarning.compareAndSet(last, now)) {
                    LOGGER.warning(() -> "span export failing (" + delegate + "): " + total + " spans dropped so far");
                }
            }
        });
        return result;
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
