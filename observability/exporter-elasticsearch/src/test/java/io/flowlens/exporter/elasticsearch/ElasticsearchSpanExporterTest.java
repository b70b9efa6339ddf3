package io.flowlens.exporter.elasticsearch;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.JsonpMapper;
import co.elastic.clients.transport.ElasticsearchTransport;
import co.elastic.clients.transport.Endpoint;
import co.elastic.clients.transport.TransportOptions;
import io.flowlens.exporter.elasticsearch.internal.ElasticsearchSpanExporterProvider;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/** The exporter's writer against {@link FakeElasticsearch}: overload, flush under traffic, a broken client, metrics. */
class ElasticsearchSpanExporterTest {

    private final InMemorySpanExporter recorded = InMemorySpanExporter.create();
    private final Tracer tracer = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(recorded)).build().get("io.flowlens.test");
    private final List<ElasticsearchSpanExporter> exporters = new ArrayList<>();
    private FakeElasticsearch elasticsearch;

    @BeforeEach
    void startFake() throws IOException {
        elasticsearch = new FakeElasticsearch();
    }

    @AfterEach
    void stop() {
        exporters.forEach(exporter -> exporter.shutdown().join(20, TimeUnit.SECONDS));
        elasticsearch.close();
    }

    @Test
    void documentsRefusedWith429AreRetriedAfterABackoffNotAtOnce() {
        elasticsearch.answering(attempt -> attempt <= 3 ? 429 : 201);
        ElasticsearchExportStats stats = new ElasticsearchExportStats();
        // a flush interval this short sent each retry within milliseconds before the backoff
        ElasticsearchSpanExporter exporter = exporter(settings(Duration.ofMillis(10), 10, 1_000), stats);
        List<SpanData> spans = spans(5);

        exporter.export(spans);

        await().atMost(Duration.ofSeconds(15)).until(() -> stats.indexed() == 5);
        for (String spanId : FakeElasticsearch.spanIds(spans)) {
            List<FakeElasticsearch.Attempt> attempts = elasticsearch.attemptsOf(spanId);
            assertThat(attempts, hasSize(4));
            long firstRetryMillis = (attempts.get(1).nanos() - attempts.get(0).nanos()) / 1_000_000;
            long allRetriesMillis = (attempts.get(3).nanos() - attempts.get(0).nanos()) / 1_000_000;
            assertThat("first retry of " + spanId + " after " + firstRetryMillis + " ms", firstRetryMillis,
                    greaterThanOrEqualTo(200L));
            // the policy waits 250, 500 and 750 ms before the 2nd, 3rd and 4th attempt
            assertThat(allRetriesMillis, greaterThanOrEqualTo(1_400L));
        }
        assertThat(stats.retried(), is(15L));
        assertThat(stats.dropped(), is(0L));
    }

    @Test
    void documentsStillRefusedWith429AfterMaxAttemptsAreDroppedAndCounted() {
        elasticsearch.answering(attempt -> 429);
        ElasticsearchExportStats stats = new ElasticsearchExportStats();
        ElasticsearchSpanExporter exporter = exporter(settings(Duration.ofMillis(10), 3, 1_000), stats);
        List<SpanData> spans = spans(4);

        exporter.export(spans);

        await().atMost(Duration.ofSeconds(10)).until(() -> stats.dropped() == 4);
        for (String spanId : FakeElasticsearch.spanIds(spans)) {
            assertThat(elasticsearch.attemptsOf(spanId), hasSize(3));
        }
        assertThat(stats.indexed(), is(0L));
        assertThat(stats.retried(), is(8L));
        assertThat(exporter.flush().join(5, TimeUnit.SECONDS).isSuccess(), is(true));
    }

    @Test
    void flushUnderSteadyTrafficCompletesOnceTheSpansBeforeItAreWritten() throws Exception {
        elasticsearch.answeringAfter(Duration.ofMillis(30)); // so that some bulk request is always in flight
        ElasticsearchExportStats stats = new ElasticsearchExportStats();
        ElasticsearchSpanExporter exporter = exporter(settings(Duration.ofMillis(20), 10, 1_000), stats);
        List<SpanData> trafficSpans = spans(1);
        List<SpanData> before = spans(20);
        AtomicBoolean trafficOn = new AtomicBoolean(true);
        CompletableFuture<Void> traffic = CompletableFuture.runAsync(() -> {
            while (trafficOn.get()) {
                exporter.export(trafficSpans);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // paces the traffic: ~500 spans/s
            }
        });
        try {
            await().atMost(Duration.ofSeconds(20)).failFast(traffic::isCompletedExceptionally)
                    .until(() -> stats.indexed() > 50);
            exporter.export(before);

            long start = System.nanoTime();
            CompletableResultCode flushed = exporter.flush().join(8, TimeUnit.SECONDS);
            long flushMillis = (System.nanoTime() - start) / 1_000_000;

            assertThat("flush finished within 8 s under traffic", flushed.isSuccess(), is(true));
            assertThat(flushMillis, lessThan(5_000L));
            assertThat(elasticsearch.indexedSpanIds(), hasItems(FakeElasticsearch.spanIds(before).toArray(String[]::new)));
        } finally {
            trafficOn.set(false);
            traffic.get(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Callers read the stats right after a flush completes (tests, the span indexer's status), so a span must be
     * counted before it lets a flush complete. One bulk request carries an indexed span, then a rejected one; the
     * warning about the rejection is held until the flush completes or 1 s passes. Counting after settling (the bug)
     * lets the flush complete inside that window with the indexed span not counted yet.
     */
    @Test
    void aCompletedFlushFindsEverySpanItWaitedForCounted() {
        List<SpanData> spans = spans(2);
        elasticsearch.rejecting(FakeElasticsearch.spanIds(spans.subList(1, 2)));
        AtomicReference<CompletableResultCode> flush = new AtomicReference<>();
        Handler holdsTheRejectionWarning = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getMessage().contains("rejected a span document")) {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                    while ((flush.get() == null || !flush.get().isDone()) && System.nanoTime() < deadline) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(ElasticsearchSpanExporter.class.getName());
        logger.addHandler(holdsTheRejectionWarning);
        try {
            ElasticsearchExportStats stats = new ElasticsearchExportStats();
            ElasticsearchSpanExporter exporter = exporter(settings(Duration.ofMillis(10), 10, 2), stats);
            exporter.export(spans);
            flush.set(exporter.flush());

            assertThat(flush.get().join(15, TimeUnit.SECONDS).isSuccess(), is(true));
            assertThat(stats.indexed(), is(1L));
            assertThat(stats.failed(), is(1L));
        } finally {
            logger.removeHandler(holdsTheRejectionWarning);
        }
    }

    @Test
    void theWriterSurvivesAnUnexpectedExceptionLogsItOnceAndCountsIt() {
        List<LogRecord> severe = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (Level.SEVERE.equals(record.getLevel())) {
                    severe.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(ElasticsearchSpanExporter.class.getName());
        logger.addHandler(handler);
        try {
            ElasticsearchConnection connection = ElasticsearchConnection.unsecured(elasticsearch.endpoint());
            AtomicInteger clientsMade = new AtomicInteger();
            ElasticsearchExportStats stats = new ElasticsearchExportStats();
            // the first two clients' first bulk request throws at once, as a broken transport would
            ElasticsearchSpanExporter exporter = ElasticsearchSpanExporter.builder(connection)
                    .setIndexPrefix("test-spans")
                    .setSettings(settings(Duration.ofMillis(10), 10, 1)) // one document per request: sent on add
                    .setStats(stats)
                    .setClients(() -> clientsMade.incrementAndGet() <= 2
                            ? new ElasticsearchClient(new ThrowsOnFirstBulk(connection.open()._transport()))
                            : connection.open())
                    .build();
            exporters.add(exporter);
            List<SpanData> first = spans(1);
            List<SpanData> later = spans(3);

            exporter.export(first);
            exporter.export(later);

            List<String> all = new ArrayList<>(FakeElasticsearch.spanIds(first));
            all.addAll(FakeElasticsearch.spanIds(later));
            await().atMost(Duration.ofSeconds(15)).until(() -> stats.indexed() == 4);
            assertThat(elasticsearch.indexedSpanIds(), containsInAnyOrder(all.toArray(String[]::new)));
            assertThat(stats.errors(), is(2L));
            assertThat(stats.dropped(), is(0L));
            assertThat("only the first failure is logged with its stack trace", severe, hasSize(1));
            assertThat(severe.get(0).getThrown().getMessage(), is("broken transport (test)"));
        } finally {
            logger.removeHandler(handler);
        }
    }

    /**
     * A writer that cannot make a client backs off 250 ms, 500 ms, 1 s, 2 s, 4 s between attempts; shutdown must not
     * wait out the backoff it finds (it used to: a service's stop then took up to 5 s longer).
     */
    @Test
    void shutdownWakesAWriterWaitingOutABackoff() {
        AtomicInteger clientsAsked = new AtomicInteger();
        ElasticsearchExportStats stats = new ElasticsearchExportStats();
        ElasticsearchSpanExporter exporter = ElasticsearchSpanExporter.builder(
                        ElasticsearchConnection.unsecured(elasticsearch.endpoint()))
                .setIndexPrefix("test-spans").setSettings(settings(Duration.ofMillis(10), 10, 1_000)).setStats(stats)
                .setClients(() -> {
                    clientsAsked.incrementAndGet();
                    throw new IllegalStateException("no client (test)");
                })
                .build();
        exporter.export(spans(2));
        // the fifth failure starts a 4 s backoff
        await().atMost(Duration.ofSeconds(15)).until(() -> clientsAsked.get() == 5);

        CompletableResultCode stopped = exporter.shutdown().join(2, TimeUnit.SECONDS);

        assertThat("shut down within 2 s of a 4 s backoff", stopped.isDone(), is(true));
        assertThat(stopped.isSuccess(), is(true));
        assertThat(clientsAsked.get(), is(5));
        assertThat("the two queued spans are counted as dropped", stats.dropped(), is(2L));
    }

    /**
     * A cluster in one configuration value: the first node is down (nothing listens on port 9), so the client goes on
     * to the next for the template and every bulk request; the template asks for the configured replica.
     */
    @Test
    void endpointListOfAClusterSkipsANodeThatIsDownAndTheTemplateAsksForTheReplicas() {
        ElasticsearchSpanExporter exporter = (ElasticsearchSpanExporter) new ElasticsearchSpanExporterProvider()
                .createExporter(DefaultConfigProperties.createFromMap(Map.of(
                        "otel.exporter.elasticsearch.endpoint", "http://127.0.0.1:9, " + elasticsearch.endpoint(),
                        "otel.exporter.elasticsearch.replicas", "1",
                        "otel.exporter.elasticsearch.bulk.flush-interval", "10ms")));
        exporters.add(exporter);
        List<SpanData> spans = spans(20);

        exporter.export(spans);

        await().atMost(Duration.ofSeconds(15)).until(() -> exporter.stats().indexed() == 20);
        assertThat(elasticsearch.indexedSpanIds(), containsInAnyOrder(FakeElasticsearch.spanIds(spans).toArray()));
        assertThat(exporter.stats().dropped() + exporter.stats().failed(), is(0L));
        assertThat(elasticsearch.templates().getFirst().at("/template/settings/number_of_replicas").asInt(), is(1));
    }

    @Test
    void countsGoThroughTheMeterProviderAskedAtTheFirstCount() {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(reader).build();
        AtomicReference<MeterProvider> provider = new AtomicReference<>(MeterProvider.noop());
        ElasticsearchExportStats stats = new ElasticsearchExportStats();
        ElasticsearchSpanExporter exporter = ElasticsearchSpanExporter.builder(
                        ElasticsearchConnection.unsecured(elasticsearch.endpoint()))
                .setIndexPrefix("test-spans").setSettings(settings(Duration.ofMillis(10), 10, 1_000)).setStats(stats)
                .setMeterProvider(provider::get)
                .build();
        exporters.add(exporter);
        provider.set(meters); // after the exporter was made, as autoconfigure hands over the SDK's

        exporter.export(spans(3));

        // the stats count first, the meter right after: wait for the meter
        await().atMost(Duration.ofSeconds(10)).until(
                () -> sum(List.copyOf(reader.collectAllMetrics()), "flowlens.exporter.elasticsearch.spans.indexed") == 3);
        List<MetricData> metrics = List.copyOf(reader.collectAllMetrics());
        assertThat(stats.indexed(), is(3L));
        assertThat(points(metrics, "flowlens.exporter.elasticsearch.spans.indexed").stream()
                .map(point -> point.getAttributes().get(ExportMeters.COMPONENT_TYPE)).toList(),
                everyItem(is("elasticsearch_span_exporter")));
        assertThat(points(metrics, "flowlens.exporter.elasticsearch.spans.queued"), hasSize(1));
        meters.close();
    }

    static long sum(List<MetricData> metrics, String name) {
        return points(metrics, name).stream().mapToLong(LongPointData::getValue).sum();
    }

    static List<LongPointData> points(List<MetricData> metrics, String name) {
        return metrics.stream().filter(metric -> metric.getName().equals(name))
                .flatMap(metric -> metric.getData().getPoints().stream())
                .map(LongPointData.class::cast).toList();
    }

    private ElasticsearchSpanExporter exporter(ElasticsearchSpanExporter.Settings settings, ElasticsearchExportStats stats) {
        ElasticsearchSpanExporter exporter = ElasticsearchSpanExporter.builder(
                        ElasticsearchConnection.unsecured(elasticsearch.endpoint()))
                .setIndexPrefix("test-spans").setSettings(settings).setStats(stats).build();
        exporters.add(exporter);
        return exporter;
    }

    private static ElasticsearchSpanExporter.Settings settings(Duration flushInterval, int maxAttempts, int bulkOperations) {
        return new ElasticsearchSpanExporter.Settings(10_000, bulkOperations, 5L << 20, flushInterval, 2, maxAttempts,
                Duration.ofSeconds(60), false);
    }

    private List<SpanData> spans(int count) {
        recorded.reset();
        for (int i = 0; i < count; i++) {
            tracer.spanBuilder("GET /users/{userId}").setAttribute("flowlens.user.id", (long) i).startSpan().end();
        }
        return recorded.getFinishedSpanItems();
    }

    /** A transport whose first asynchronous request throws instead of answering, like a client bug would. */
    private static final class ThrowsOnFirstBulk implements ElasticsearchTransport {
        private final ElasticsearchTransport delegate;
        private final AtomicBoolean thrown = new AtomicBoolean();

        ThrowsOnFirstBulk(ElasticsearchTransport delegate) {
            this.delegate = delegate;
        }

        @Override
        public <RequestT, ResponseT, ErrorT> ResponseT performRequest(RequestT request,
                Endpoint<RequestT, ResponseT, ErrorT> endpoint, TransportOptions options) throws IOException {
            return delegate.performRequest(request, endpoint, options);
        }

        @Override
        public <RequestT, ResponseT, ErrorT> CompletableFuture<ResponseT> performRequestAsync(RequestT request,
                Endpoint<RequestT, ResponseT, ErrorT> endpoint, TransportOptions options) {
            if (thrown.compareAndSet(false, true)) {
                throw new IllegalStateException("broken transport (test)");
            }
            return delegate.performRequestAsync(request, endpoint, options);
        }

        @Override
        public JsonpMapper jsonpMapper() {
            return delegate.jsonpMapper();
        }

        @Override
        public TransportOptions options() {
            return delegate.options();
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }
}
