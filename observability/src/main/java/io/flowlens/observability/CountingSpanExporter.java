package io.flowlens.observability;

import java.time.Duration;
import java.util.Collection;
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
    private final ThrottledLog failures = new ThrottledLog(LOGGER, Duration.ofMinutes(1));

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
                failures.warn("span export failing (" + delegate + "): " + total + " spans dropped so far");
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
