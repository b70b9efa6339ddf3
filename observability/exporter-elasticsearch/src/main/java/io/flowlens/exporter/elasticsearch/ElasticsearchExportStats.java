package io.flowlens.exporter.elasticsearch;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * What happened to the spans handed to an {@link ElasticsearchSpanExporter}: indexed, dropped (queue full, or given up
 * after retries while Elasticsearch was unreachable), failed (rejected by Elasticsearch, e.g. a mapping conflict),
 * retried. One per exporter; {@link ElasticsearchSpanExporter#stats()} hands it out.
 */
public final class ElasticsearchExportStats {

    private final AtomicLong indexed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private volatile IntSupplier queueDepth = () -> 0;

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

    /** Spans waiting in the exporter's queue right now. */
    public int queued() {
        return queueDepth.getAsInt();
    }

    void indexed(long spans) {
        indexed.addAndGet(spans);
    }

    void dropped(long spans) {
        dropped.addAndGet(spans);
    }

    void failed(long spans) {
        failed.addAndGet(spans);
    }

    void retried(long spans) {
        retried.addAndGet(spans);
    }

    void queueDepth(IntSupplier depth) {
        this.queueDepth = depth;
    }

    @Override
    public String toString() {
        return "indexed=" + indexed() + " dropped=" + dropped() + " failed=" + failed() + " retried=" + retried()
                + " queued=" + queued();
    }
}
