package io.flowlens.exporter.elasticsearch;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * What happened to the spans handed to an {@link ElasticsearchSpanExporter}: indexed, dropped (queue full, or given up
 * after retries), failed (rejected by Elasticsearch, e.g. a mapping conflict), retried, and the unexpected errors the
 * writer survived. One per exporter; {@link ElasticsearchSpanExporter#stats()} hands it out. The exporter also sends
 * every count to its OpenTelemetry meter ({@link ElasticsearchSpanExporter.Builder#setMeterProvider}).
 */
public final class ElasticsearchExportStats {

    private final AtomicLong indexed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile IntSupplier queueDepth = () -> 0;
    private volatile ExportMeters meters;

    public long indexed() {
        return indexed.get();
    }

    public long dropped() {
        return dropped.get();
    }

    public long failed() {
        return failed.get();
    }

    public long retried() {
        return retried.get();
    }

    /** Unexpected exceptions in the writer thread, each survived: the spans it held were retried or dropped. */
    public long errors() {
        return errors.get();
    }

    /** Spans waiting in the exporter's queue right now. */
    public int queued() {
        return queueDepth.getAsInt();
    }

    void indexed(long spans) {
        indexed.addAndGet(spans);
        if (meters != null) {
            meters.indexed(spans);
        }
    }

    void dropped(long spans) {
        dropped.addAndGet(spans);
        if (meters != null) {
            meters.dropped(spans);
        }
    }

    void failed(long spans) {
        failed.addAndGet(spans);
        if (meters != null) {
            meters.failed(spans);
        }
    }

    void retried(long spans) {
        retried.addAndGet(spans);
        if (meters != null) {
            meters.retried(spans);
        }
    }

    void errors(long count) {
        errors.addAndGet(count);
        if (meters != null) {
            meters.errors(count);
        }
    }

    void queueDepth(IntSupplier depth) {
        this.queueDepth = depth;
    }

    void meters(ExportMeters meters) {
        this.meters = meters;
    }

    @Override
    public String toString() {
        return "indexed=" + indexed() + " dropped=" + dropped() + " failed=" + failed() + " retried=" + retried()
                + " errors=" + errors() + " queued=" + queued();
    }
}
