package io.flowlens.exporter.elasticsearch;

import io.flowlens.exporter.elasticsearch.internal.ElasticsearchSpanExporterProvider;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkIngester;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkListener;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * Writes every finished span as one document to Elasticsearch ({@code FIELDS.md}), beside the OTLP export to Jaeger.
 *
 * <p>{@link #export} only converts and enqueues: the batch span processor calls all exporters from one thread, so a
 * slow Elasticsearch must not hold up the spans bound for Jaeger, let alone a request thread. A single writer thread
 * feeds a {@link BulkIngester}. The queue is bounded: when Elasticsearch is down or slower than the traffic, new spans
 * are dropped and counted instead of growing the heap. A bulk request that fails as a whole (Elasticsearch unreachable)
 * puts its spans back in the queue for a later attempt, up to {@code maxAttempts}, and pauses the writer with an
 * exponential backoff, so spans buffered during a short outage arrive once Elasticsearch is back.
 *
 * <p>Document ids: by default Elasticsearch generates them, which lets it skip the per-document id lookup (measured
 * 1.1 × the spans/s of fixed ids on a quiet 2-core machine, see perf/results/BENCHMARKS.md). The price: a bulk
 * request that Elasticsearch applied but whose answer was lost is retried and its spans indexed twice. With
 * {@code spanIds} each document's id is its trace and span id, so such a retry overwrites instead.
 */
public final class ElasticsearchSpanExporter implements SpanExporter {

    private static final Logger LOGGER = Logger.getLogger(ElasticsearchSpanExporter.class.getName());
    private static final Duration MIN_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final ElasticsearchConnection connection;
    private final SpanIndex index;
    private final Settings settings;
    private final ElasticsearchExportStats stats;
    private final BlockingQueue<Pending> queue;
    private final AtomicBoolean stopping = new AtomicBoolean();
    /** Spans accepted and not yet settled (indexed, failed or dropped): what a flush waits for. */
    private final AtomicLong unsettled = new AtomicLong();
    private final Thread writer;
    private final ThrottledLog problems;

    private volatile long pausedUntilNanos;
    private volatile Duration backoff = MIN_BACKOFF;

    /** Bulk and queue knobs; see {@code ElasticsearchSpanExporterProvider} for the config keys and defaults. */
    public record Settings(int queueSize, int bulkMaxOperations, long bulkMaxBytes, Duration flushInterval,
                           int concurrentRequests, int maxAttempts, Duration logInterval, boolean spanIds) {
    }

    /** A span document on its way, and how many bulk requests already failed to carry it. */
    private record Pending(String index, String id, Map<String, Object> document, int attempts) {
    }

    public ElasticsearchSpanExporter(ElasticsearchConnection connection, String indexPrefix, Settings settings,
                                     ElasticsearchExportStats stats) {
        this.connection = connection;
        this.index = new SpanIndex(indexPrefix);
        this.settings = settings;
        this.stats = stats;
        this.queue = new ArrayBlockingQueue<>(settings.queueSize());
        this.problems = new ThrottledLog(LOGGER, settings.logInterval());
        stats.queueDepth(queue::size);
        this.writer = Thread.ofPlatform().daemon().name("flowlens-es-span-writer").unstarted(this::writeLoop);
        writer.start();
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        if (stopping.get()) {
            stats.dropped(spans.size());
            return CompletableResultCode.ofFailure();
        }
        int dropped = 0;
        for (SpanData span : spans) {
            Pending pending = new Pending(index.nameFor(span.getStartEpochNanos()), SpanDocuments.id(span),
                    SpanDocuments.toDocument(span), 0);
            unsettled.incrementAndGet();
            if (!queue.offer(pending)) {
                unsettled.decrementAndGet();
                dropped++;
            }
        }
        if (dropped > 0) {
            stats.dropped(dropped);
            problems.warn("span queue full (" + settings.queueSize() + "): Elasticsearch is behind or down; " + stats);
        }
        return CompletableResultCode.ofSuccess();
    }

    /** Completes when every span enqueued so far has been answered by Elasticsearch (or given up on). */
    @Override
    public CompletableResultCode flush() {
        CompletableResultCode result = new CompletableResultCode();
        Thread.ofVirtual().start(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (unsettled.get() > 0 && System.nanoTime() < deadline && writer.isAlive()) {
                sleep(Duration.ofMillis(20));
            }
            if (unsettled.get() == 0) {
                result.succeed();
            } else {
                result.fail();
            }
        });
        return result;
    }

    /** Stops taking spans, writes what is queued (bounded by 10 s), then closes the ingester and the connection. */
    @Override
    public CompletableResultCode shutdown() {
        CompletableResultCode result = new CompletableResultCode();
        if (!stopping.compareAndSet(false, true)) {
            return result.succeed();
        }
        Thread.ofVirtual().start(() -> {
            try {
                writer.join(Duration.ofSeconds(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int left = queue.size();
            if (left > 0) {
                queue.clear();
                stats.dropped(left);
                unsettled.addAndGet(-left);
            }
            LOGGER.info(() -> "Elasticsearch span exporter stopped: " + stats);
            if (writer.isAlive()) {
                result.fail();
            } else {
                result.succeed();
            }
        });
        return result;
    }

    private void writeLoop() {
        try {
            ElasticsearchClient client = open();
            if (client == null) {
                return; // stopped before a client could be made; shutdown counts what is left as dropped
            }
            try {
                write(client);
            } finally {
                closeQuietly(client);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOGGER.log(Level.SEVERE, "Elasticsearch span writer stopped unexpectedly", e);
        }
    }

    private void write(ElasticsearchClient client) throws InterruptedException {
        installTemplate(client);
        BulkIngester<Pending> bulk = BulkIngester.of(builder -> builder.client(client)
                .maxOperations(settings.bulkMaxOperations())
                .maxSize(settings.bulkMaxBytes())
                .maxConcurrentRequests(settings.concurrentRequests())
                .flushInterval(settings.flushInterval().toMillis(), TimeUnit.MILLISECONDS)
                .listener(new Outcomes()));
        try {
            while (!stopping.get() || !queue.isEmpty()) {
                waitOutBackoff();
                Pending pending = queue.poll(100, TimeUnit.MILLISECONDS);
                if (pending != null) {
                    bulk.add(BulkOperation.of(op -> op.index(doc -> doc.index(pending.index())
                            .id(settings.spanIds() ? pending.id() : null)
                            .document(pending.document()))), pending);
                }
            }
        } finally {
            bulk.close(); // flushes and waits for the requests in flight
        }
    }

    /**
     * A client, or null once stopping. Retries with backoff: a CA file that cannot be read yet must not end the
     * writer thread, or spans would queue up unseen instead of being written later or counted as dropped.
     */
    private ElasticsearchClient open() throws InterruptedException {
        while (!stopping.get()) {
            try {
                return connection.open();
            } catch (RuntimeException e) {
                problems.warn("cannot make an Elasticsearch client for " + connection + ": " + e + "; retrying; " + stats);
                failedAttempt();
                waitOutBackoff();
            }
        }
        return null;
    }

    /** Retries until it works: a service may well start before Elasticsearch does. */
    private void installTemplate(ElasticsearchClient client) throws InterruptedException {
        while (!stopping.get()) {
            try {
                index.installTemplate(client);
                return;
            } catch (Exception e) {
                problems.warn("cannot put index template " + index.prefix() + " on " + connection + ": " + e
                        + "; retrying; " + stats);
                failedAttempt();
                waitOutBackoff();
            }
        }
    }

    private void waitOutBackoff() throws InterruptedException {
        long wait = pausedUntilNanos - System.nanoTime();
        if (wait > 0 && !stopping.get()) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private void failedAttempt() {
        pausedUntilNanos = System.nanoTime() + backoff.toNanos();
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    }

    /** Counts each span's fate when its bulk request is answered. Runs on the ingester's threads. */
    private final class Outcomes implements BulkListener<Pending> {

        @Override
        public void beforeBulk(long executionId, BulkRequest request, List<Pending> contexts) {
        }

        @Override
        public void afterBulk(long executionId, BulkRequest request, List<Pending> contexts, BulkResponse response) {
            backoff = MIN_BACKOFF;
            List<BulkResponseItem> items = response.items();
            long indexed = 0;
            for (int i = 0; i < items.size(); i++) {
                BulkResponseItem item = items.get(i);
                if (item.error() == null) {
                    indexed++;
                } else if (item.status() == 429) {
                    retry(contexts.get(i)); // Elasticsearch is overloaded: try again later
                } else {
                    stats.failed(1);
                    unsettled.decrementAndGet();
                    problems.warn("Elasticsearch rejected a span document: " + item.error().type() + ": "
                            + item.error().reason() + "; " + stats);
                }
            }
            stats.indexed(indexed);
            unsettled.addAndGet(-indexed);
        }

        @Override
        public void afterBulk(long executionId, BulkRequest request, List<Pending> contexts, Throwable failure) {
            failedAttempt();
            contexts.forEach(this::retry);
            problems.warn("bulk write of " + contexts.size() + " spans to " + connection + " failed: " + failure
                    + "; " + stats);
        }

        private void retry(Pending pending) {
            Pending again = new Pending(pending.index(), pending.id(), pending.document(), pending.attempts() + 1);
            if (again.attempts() < settings.maxAttempts() && !stopping.get() && queue.offer(again)) {
                stats.retried(1);
            } else {
                stats.dropped(1);
                unsettled.decrementAndGet();
            }
        }
    }

    private static void closeQuietly(ElasticsearchClient client) {
        try {
            client._transport().close();
        } catch (Exception e) {
            LOGGER.log(Level.FINE, "closing the Elasticsearch client", e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What happened to the spans handed to this exporter so far. */
    public ElasticsearchExportStats stats() {
        return stats;
    }

    @Override
    public String toString() {
        return "ElasticsearchSpanExporter{" + connection + ", " + index.pattern() + "}";
    }
}
