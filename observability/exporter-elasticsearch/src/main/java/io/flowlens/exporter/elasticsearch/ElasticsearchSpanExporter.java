package io.flowlens.exporter.elasticsearch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkIngester;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkListener;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.transport.BackoffPolicy;
import co.elastic.clients.util.BinaryData;
import co.elastic.clients.util.ContentType;
import io.opentelemetry.api.metrics.MeterProvider;
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
 * exponential backoff, so spans buffered during a short outage arrive once Elasticsearch is back. Single documents
 * refused with 429 (Elasticsearch overloaded) are retried by the ingester's own backoff policy, each after a growing
 * delay, so an overloaded cluster is not hammered. An unexpected exception in the writer is logged (the first one with
 * its stack trace), counted in {@link ElasticsearchExportStats#errors()}, and survived.
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
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(10);
    /** Tells the exporters of one process apart in their metrics, as the SDK's component ids do. */
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final ElasticsearchConnection connection;
    private final Supplier<ElasticsearchClient> clients;
    private final SpanIndex index;
    private final int replicas;
    private final Settings settings;
    private final ElasticsearchExportStats stats;
    private final BlockingQueue<Pending> queue;
    /** Spans handed to the current ingester and not answered yet: retried if that ingester breaks down. */
    private final Set<Pending> inIngester = ConcurrentHashMap.newKeySet();
    private final AtomicReference<Generation> generation = new AtomicReference<>(new Generation(null));
    private final AtomicBoolean stopping = new AtomicBoolean();
    /** Released by shutdown: a writer waiting out a backoff (up to 5 s) goes on at once to drain the queue. */
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final AtomicBoolean writerFailedBefore = new AtomicBoolean();
    private final Thread writer;
    private final ThrottledLog problems;

    private volatile long pausedUntilNanos;
    private volatile Duration backoff = MIN_BACKOFF;

    /** Bulk and queue knobs; see {@code ElasticsearchSpanExporterProvider} for the config keys and defaults. */
    public record Settings(int queueSize, int bulkMaxOperations, long bulkMaxBytes, Duration flushInterval,
                           int concurrentRequests, int maxAttempts, Duration logInterval, boolean spanIds) {

        public Settings {
            requirePositive(queueSize, "queueSize");
            requirePositive(bulkMaxOperations, "bulkMaxOperations");
            requirePositive(bulkMaxBytes, "bulkMaxBytes");
            requirePositive(concurrentRequests, "concurrentRequests");
            requirePositive(maxAttempts, "maxAttempts");
            Objects.requireNonNull(flushInterval, "flushInterval");
            Objects.requireNonNull(logInterval, "logInterval");
        }

        /** The provider's defaults: see {@code ElasticsearchSpanExporterProvider}. */
        public static Settings defaults() {
            return new Settings(20_000, 1_000, 5L * 1024 * 1024, Duration.ofMillis(250), 2, 10, Duration.ofSeconds(60),
                    false);
        }

        private static void requirePositive(long value, String name) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be at least 1: " + value);
            }
        }
    }

    /** A span document on its way, the flush generation it counts in, and how many bulk requests failed to carry it. */
    private static final class Pending {
        private final String index;
        private final String id;
        /** The document's JSON, written by the exporting thread: the one writer thread only batches and sends. */
        private final BinaryData document;
        private final Generation generation;
        private final int attempts;

        Pending(String index, String id, BinaryData document, Generation generation, int attempts) {
            this.index = index;
            this.id = id;
            this.document = document;
            this.generation = generation;
            this.attempts = attempts;
        }

        Pending again() {
            return new Pending(index, id, document, generation, attempts + 1);
        }
    }

    /**
     * The spans accepted between two flushes. A flush seals the current generation and completes when it and every
     * earlier one are settled (indexed, failed or dropped), so spans that keep arriving after it cannot hold it up.
     */
    private static final class Generation {
        /** Unsettled spans, plus one for the generation itself until a flush seals it. */
        private final AtomicLong open = new AtomicLong(1);
        private final CompletableFuture<Void> ownSpansSettled = new CompletableFuture<>();
        private final CompletableFuture<Void> settled;

        Generation(Generation earlier) {
            this.settled = earlier == null
                    ? ownSpansSettled
                    : ownSpansSettled.thenCombine(earlier.settled, (own, before) -> null);
        }

        void accept() {
            open.incrementAndGet();
        }

        void settle() {
            if (open.decrementAndGet() == 0) {
                ownSpansSettled.complete(null);
            }
        }
    }

    /** Kept for callers that build their own stats; {@link #builder} is the full way in. */
    public ElasticsearchSpanExporter(ElasticsearchConnection connection, String indexPrefix, Settings settings,
                                     ElasticsearchExportStats stats) {
        this(builder(connection).setIndexPrefix(indexPrefix).setSettings(settings).setStats(stats));
    }

    private ElasticsearchSpanExporter(Builder builder) {
        this.connection = builder.connection;
        this.clients = builder.clients != null ? builder.clients : connection::open;
        this.index = new SpanIndex(builder.indexPrefix);
        this.replicas = builder.replicas;
        this.settings = builder.settings;
        this.stats = builder.stats;
        this.queue = new ArrayBlockingQueue<>(settings.queueSize());
        this.problems = new ThrottledLog(LOGGER, settings.logInterval());
        stats.queueDepth(queue::size);
        stats.meters(new ExportMeters(builder.meterProvider, "elasticsearch_span_exporter/" + INSTANCES.getAndIncrement(),
                queue::size));
        this.writer = Thread.ofPlatform().daemon().name("flowlens-es-span-writer").unstarted(this::writeLoop);
        writer.start();
    }

    public static Builder builder(ElasticsearchConnection connection) {
        return new Builder(connection);
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        if (stopping.get()) {
            stats.dropped(spans.size());
            return CompletableResultCode.ofFailure();
        }
        int dropped = 0;
        for (SpanData span : spans) {
            // a flush that seals this generation right now may miss this span: it was not enqueued before the flush
            Generation current = generation.get();
            current.accept();
            Pending pending = new Pending(index.nameFor(span.getStartEpochNanos()), SpanDocuments.id(span),
                    BinaryData.of(SpanDocuments.toJson(span), ContentType.APPLICATION_JSON), current, 0);
            if (!queue.offer(pending)) {
                current.settle();
                dropped++;
            }
        }
        if (dropped > 0) {
            stats.dropped(dropped);
            problems.warn("span queue full (" + settings.queueSize() + "): Elasticsearch is behind or down; " + stats);
        }
        return CompletableResultCode.ofSuccess();
    }

    /**
     * Completes when every span enqueued before this call has been answered by Elasticsearch (or given up on); fails
     * after 10 s. Spans enqueued later do not hold it up.
     */
    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // its callback completes `result`, which is what callers wait on
    public CompletableResultCode flush() {
        Generation sealed = generation.getAndUpdate(Generation::new);
        sealed.settle();
        CompletableResultCode result = new CompletableResultCode();
        // a copy, so the timeout fails this flush only, not the later flushes chained on the same generation
        sealed.settled.copy().orTimeout(FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((done, failure) -> {
                    if (failure == null) {
                        result.succeed();
                    } else {
                        result.fail();
                    }
                });
        return result;
    }

    /** Stops taking spans, writes what is queued (bounded by 15 s), then closes the ingester and the connection. */
    @Override
    public CompletableResultCode shutdown() {
        CompletableResultCode result = new CompletableResultCode();
        if (!stopping.compareAndSet(false, true)) {
            return result.succeed();
        }
        stopSignal.countDown();
        Thread.ofVirtual().start(() -> {
            try {
                writer.join(Duration.ofSeconds(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            List<Pending> left = new ArrayList<>();
            queue.drainTo(left);
            if (!left.isEmpty()) {
                stats.dropped(left.size());
                left.forEach(pending -> pending.generation.settle());
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

    /** Runs until shutdown; an unexpected exception costs one client and ingester, not the writer. */
    private void writeLoop() {
        while (!stopping.get() || !queue.isEmpty()) {
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
                return;
            } catch (RuntimeException e) {
                writerFailed(e);
            }
            retryStranded();
        }
    }

    private void write(ElasticsearchClient client) throws InterruptedException {
        installTemplate(client);
        BulkIngester<Pending> bulk = BulkIngester.of(builder -> builder.client(client)
                .maxOperations(settings.bulkMaxOperations())
                .maxSize(settings.bulkMaxBytes())
                .maxConcurrentRequests(settings.concurrentRequests())
                .flushInterval(settings.flushInterval().toMillis(), TimeUnit.MILLISECONDS)
                .backoffPolicy(tooManyRequestsBackoff())
                .listener(new Outcomes()));
        try {
            while (!stopping.get() || !queue.isEmpty()) {
                waitOutBackoff();
                Pending pending = queue.poll(100, TimeUnit.MILLISECONDS);
                if (pending != null) {
                    inIngester.add(pending);
                    bulk.add(BulkOperation.of(op -> op.index(doc -> doc.index(pending.index)
                            .id(settings.spanIds() ? pending.id : null)
                            .document(pending.document))), pending);
                }
            }
        } finally {
            try {
                bulk.close(); // flushes and waits for the requests in flight
            } catch (RuntimeException e) {
                LOGGER.log(Level.FINE, "closing the bulk ingester", e); // its unanswered spans are retried
            }
        }
    }

    /**
     * Per-document 429s: the ingester retries each after 250 ms, 500 ms, 750 ms … up to 5 s apart, {@code maxAttempts}
     * in all; each retry is counted. Linear with a cap rather than the client's exponential policy, whose delays grow
     * past hours when {@code maxAttempts} is large.
     */
    private BackoffPolicy tooManyRequestsBackoff() {
        return BackoffPolicy.wrap(BackoffPolicy.linearBackoff(MIN_BACKOFF.toMillis(), settings.maxAttempts() - 1,
                MAX_BACKOFF.toMillis()), () -> stats.retried(1));
    }

    private void writerFailed(RuntimeException e) {
        stats.errors(1);
        if (writerFailedBefore.compareAndSet(false, true)) {
            LOGGER.log(Level.SEVERE, "Elasticsearch span writer failed unexpectedly; it starts over with a new client ("
                    + "further failures are logged at most once per " + settings.logInterval() + ")", e);
        } else {
            problems.warn("Elasticsearch span writer failed again: " + e + "; starting over; " + stats);
        }
        failedAttempt();
        try {
            waitOutBackoff();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Spans the broken ingester took and never answered for: back in the queue, or dropped after their attempts. */
    private void retryStranded() {
        for (Pending pending : List.copyOf(inIngester)) {
            retry(pending);
        }
    }

    /**
     * A client, or null once stopping. Retries with backoff: a CA file that cannot be read yet must not end the
     * writer thread, or spans would queue up unseen instead of being written later or counted as dropped.
     */
    private ElasticsearchClient open() throws InterruptedException {
        while (!stopping.get()) {
            try {
                return clients.get();
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
                index.installTemplate(client, replicas);
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
            stopSignal.await(wait, TimeUnit.NANOSECONDS);
        }
    }

    private void failedAttempt() {
        pausedUntilNanos = System.nanoTime() + backoff.toNanos();
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    }

    /** Puts a span back in the queue for another bulk request, or drops it once its attempts are used up. */
    private void retry(Pending pending) {
        if (!inIngester.remove(pending)) {
            return; // already settled, e.g. answered late by an ingester that broke down
        }
        Pending again = pending.again();
        if (again.attempts < settings.maxAttempts() && !stopping.get() && queue.offer(again)) {
            stats.retried(1);
        } else {
            stats.dropped(1);
            pending.generation.settle();
        }
    }

    /**
     * Claims a span the ingester answered for; false when it was already settled. The caller counts its fate and only
     * then settles it, so a flush that this span completes sees it counted.
     */
    private boolean answered(Pending pending) {
        return inIngester.remove(pending);
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
            List<Pending> claimed = new ArrayList<>(items.size());
            long indexed = 0;
            for (int i = 0; i < items.size(); i++) {
                BulkResponseItem item = items.get(i);
                if (!answered(contexts.get(i))) {
                    continue;
                }
                claimed.add(contexts.get(i));
                if (item.error() == null) {
                    indexed++;
                } else if (item.status() == 429) {
                    stats.dropped(1); // the ingester's backoff retries are used up
                    problems.warn("Elasticsearch still overloaded (429) after " + settings.maxAttempts()
                            + " attempts: span dropped; " + stats);
                } else {
                    stats.failed(1);
                    problems.warn("Elasticsearch rejected a span document: " + item.error().type() + ": "
                            + item.error().reason() + "; " + stats);
                }
            }
            stats.indexed(indexed);
            // after counting: the flush these spans complete must find them in the stats
            claimed.forEach(pending -> pending.generation.settle());
        }

        @Override
        public void afterBulk(long executionId, BulkRequest request, List<Pending> contexts, Throwable failure) {
            failedAttempt();
            contexts.forEach(ElasticsearchSpanExporter.this::retry);
            problems.warn("bulk write of " + contexts.size() + " spans to " + connection + " failed: " + failure
                    + "; " + stats);
        }
    }

    private static void closeQuietly(ElasticsearchClient client) {
        try {
            client._transport().close();
        } catch (Exception e) {
            LOGGER.log(Level.FINE, "closing the Elasticsearch client", e);
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

    /** Builds an exporter; only the connection is required. */
    public static final class Builder {
        private final ElasticsearchConnection connection;
        private Supplier<ElasticsearchClient> clients;
        private String indexPrefix = "flowlens-spans";
        private int replicas;
        private Settings settings = Settings.defaults();
        private ElasticsearchExportStats stats = new ElasticsearchExportStats();
        // not GlobalOpenTelemetry: asking it before the application sets it would fix it to no-op for good
        private Supplier<MeterProvider> meterProvider = MeterProvider::noop;

        private Builder(ElasticsearchConnection connection) {
            this.connection = Objects.requireNonNull(connection, "connection");
        }

        public Builder setIndexPrefix(String indexPrefix) {
            new SpanIndex(indexPrefix); // validates now rather than in build()
            this.indexPrefix = indexPrefix;
            return this;
        }

        /** Copies of each shard in the index template: 0 (the default) for one node, 1 or more for a cluster. */
        public Builder setReplicas(int replicas) {
            if (replicas < 0) {
                throw new IllegalArgumentException("replicas must be 0 or more: " + replicas);
            }
            this.replicas = replicas;
            return this;
        }

        public Builder setSettings(Settings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        public Builder setStats(ElasticsearchExportStats stats) {
            this.stats = Objects.requireNonNull(stats, "stats");
            return this;
        }

        /** Where the exporter's counts go as metrics; asked at the first count, so it may answer later than now. */
        public Builder setMeterProvider(Supplier<MeterProvider> meterProvider) {
            this.meterProvider = Objects.requireNonNull(meterProvider, "meterProvider");
            return this;
        }

        /** For tests: clients made some other way than {@link ElasticsearchConnection#open()}. */
        Builder setClients(Supplier<ElasticsearchClient> clients) {
            this.clients = Objects.requireNonNull(clients, "clients");
            return this;
        }

        public ElasticsearchSpanExporter build() {
            return new ElasticsearchSpanExporter(this);
        }
    }
}
