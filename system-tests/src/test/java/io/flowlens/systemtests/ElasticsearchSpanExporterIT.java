package io.flowlens.systemtests;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.flowlens.exporter.elasticsearch.ElasticsearchConnection;
import io.flowlens.exporter.elasticsearch.ElasticsearchExportStats;
import io.flowlens.exporter.elasticsearch.ElasticsearchSpanExporter;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/**
 * The Elasticsearch span exporter against the real Elasticsearch of the system tests, each test on its own index
 * prefix: documents and template, no self-tracing, a hung Elasticsearch (through {@link TcpProxy}) that must not
 * block callers nor lose uncounted spans, and a flush on shutdown.
 */
@ResourceLock(Lanes.MAIN)
class ElasticsearchSpanExporterIT {

    private static SystemUnderTest system;

    private final String prefix = "exporter-it-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<ElasticsearchSpanExporter> exporters = new ArrayList<>();

    @BeforeAll
    static void start() {
        system = SystemUnderTest.get();
    }

    @AfterEach
    void cleanUp() {
        exporters.forEach(exporter -> exporter.shutdown().join(20, TimeUnit.SECONDS));
        // by name: Elasticsearch refuses wildcard deletes (action.destructive_requires_name)
        List<String> indices = RestAssured.given().baseUri(system.elasticsearch())
                .get("/_cat/indices/" + prefix + "-*?format=json&h=index").then().statusCode(200)
                .extract().jsonPath().getList("index");
        for (String index : indices) {
            RestAssured.given().baseUri(system.elasticsearch()).delete("/" + index).then().statusCode(200);
        }
        RestAssured.given().baseUri(system.elasticsearch()).delete("/_index_template/" + prefix);
    }

    @Test
    void writesOneDocumentPerSpanWithTheTemplateMapping() {
        ElasticsearchExportStats stats = new ElasticsearchExportStats();
        ElasticsearchSpanExporter exporter = exporter(URI.create(system.elasticsearch()), 1_000, stats);
        List<SpanData> spans = spans(500);

        assertThat(exporter.export(spans).join(5, TimeUnit.SECONDS).isSuccess(), is(true));
        assertThat(exporter.flush().join(15, TimeUnit.SECONDS).isSuccess(), is(true));

        assertThat(count("*"), is(500L));
        assertThat(stats.indexed(), is(500L));
        assertThat(stats.dropped() + stats.failed(), is(0L));
        SpanData error = spans.get(7);
        JsonPath document = RestAssured.given().baseUri(system.elasticsearch())
                .body(Map.of("query", Map.of("term", Map.of("span_id", error.getSpanId()))))
                .contentType(ContentType.JSON).post("/" + prefix + "-*/_search")
                .then().statusCode(200).extract().jsonPath();
        assertThat(document.getString("hits.hits[0]._source.service"), is("payments"));
        assertThat(document.getBoolean("hits.hits[0]._source.error"), is(true));
        assertThat(document.getString("hits.hits[0]._source['exception.type']"), is("java.lang.IllegalStateException"));
        // the template was applied: typed fields, one shard, no replica (a single node stays green)
        Map<?, ?> mappings = RestAssured.given().baseUri(system.elasticsearch()).get("/" + prefix + "-*/_mapping")
                .then().statusCode(200).extract().as(Map.class);
        String index = mappings.keySet().iterator().next().toString();
        String properties = "'" + index + "'.mappings.properties.";
        JsonPath raw = RestAssured.given().baseUri(system.elasticsearch()).get("/" + index + "/_mapping")
                .then().statusCode(200).extract().jsonPath();
        assertThat(raw.getString(properties + "duration_ms.type"), is("double"));
        assertThat(raw.getString(properties + "attributes.type"), is("flattened"));
        assertThat(RestAssured.given().baseUri(system.elasticsearch()).get("/_cluster/health/" + index)
                .then().statusCode(200).extract().path("status"), is("green"));
        // the seed's query syntax works on these documents
        assertThat(count("error:true AND duration_ms:>100"), is((long) spans.stream()
                .filter(s -> s.getStatus().getStatusCode() == StatusCode.ERROR)
                .filter(s -> (s.getEndEpochNanos() - s.getStartEpochNanos()) / 1e6 > 100).count()));
    }

    /** The client's built-in OpenTelemetry instrumentation would trace every bulk request it makes: a loop. */
    @Test
    void exportingCreatesNoSpansOfItsOwn() {
        InMemorySpanExporter observed = InMemorySpanExporter.create();
        GlobalOpenTelemetry.resetForTest();
        GlobalOpenTelemetry.set(OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(observed)).build()).build());
        try {
            ElasticsearchSpanExporter exporter = exporter(URI.create(system.elasticsearch()), 1_000,
                    new ElasticsearchExportStats());
            exporter.export(spans(100));
            assertThat(exporter.flush().join(15, TimeUnit.SECONDS).isSuccess(), is(true));
            assertThat(count("*"), is(100L));
            assertThat(observed.getFinishedSpanItems(), is(empty()));
        } finally {
            GlobalOpenTelemetry.resetForTest();
        }
    }

    /**
     * Elasticsearch hangs (accepts, never answers): export() still returns at once, the queue stays bounded and
     * every span beyond it is counted as dropped; once Elasticsearch answers again the queued spans arrive, and
     * indexed + dropped accounts for every span handed over.
     */
    @Test
    void aHungElasticsearchBlocksNobodyAndEverySpanIsIndexedOrCounted() throws Exception {
        try (TcpProxy proxy = new TcpProxy(SystemUnderTest.ES_PORT)) {
            ElasticsearchExportStats stats = new ElasticsearchExportStats();
            ElasticsearchSpanExporter exporter = exporter(URI.create("http://127.0.0.1:" + proxy.port()), 300, stats);
            exporter.export(spans(50));
            assertThat(exporter.flush().join(15, TimeUnit.SECONDS).isSuccess(), is(true));
            assertThat(stats.indexed(), is(50L));

            proxy.mode(TcpProxy.Mode.BLACKHOLE);
            long slowestExportNanos = 0;
            for (int batch = 0; batch < 20; batch++) {
                List<SpanData> spans = spans(50);
                long start = System.nanoTime();
                exporter.export(spans);
                slowestExportNanos = Math.max(slowestExportNanos, System.nanoTime() - start);
                ServiceProcesses.sleep(50);
            }
            assertThat("1000 spans into a queue of 300 while Elasticsearch hangs: some dropped",
                    stats.dropped(), is(greaterThan(0L)));
            assertThat("queue stays bounded", stats.queued(), is(lessThan(301)));
            assertThat("export() never waits for Elasticsearch (slowest call, ms)",
                    slowestExportNanos / 1_000_000, is(lessThan(1_000L)));

            proxy.mode(TcpProxy.Mode.FORWARD);
            assertThat(exporter.flush().join(30, TimeUnit.SECONDS).isSuccess(), is(true));
            assertThat(stats.failed(), is(0L));
            assertThat("every span handed over is indexed or counted as dropped",
                    stats.indexed() + stats.dropped(), is(1050L));
            assertThat("what was indexed is in Elasticsearch exactly once", count("*"), is(stats.indexed()));
            assertThat("spans queued during the outage arrived afterwards", stats.indexed(), is(greaterThan(50L)));
        }
    }

    /** document-ids=span: the same span written twice (a retry after a lost answer) is one document. */
    @Test
    void spanIdsMakeARepeatedWriteOverwriteInsteadOfDuplicate() {
        List<SpanData> spans = spans(100);
        ElasticsearchSpanExporter withSpanIds = exporter(URI.create(system.elasticsearch()), 1_000,
                new ElasticsearchExportStats(), true);
        withSpanIds.export(spans);
        withSpanIds.export(spans);
        assertThat(withSpanIds.flush().join(15, TimeUnit.SECONDS).isSuccess(), is(true));
        assertThat(count("*"), is(100L));

        ElasticsearchSpanExporter withGeneratedIds = exporter(URI.create(system.elasticsearch()), 1_000,
                new ElasticsearchExportStats(), false);
        withGeneratedIds.export(spans);
        assertThat(withGeneratedIds.flush().join(15, TimeUnit.SECONDS).isSuccess(), is(true));
        assertThat("generated ids: the same spans again are new documents", count("*"), is(200L));
    }

    @Test
    void shutdownWritesWhatIsStillQueued() {
        ElasticsearchExportStats stats = new ElasticsearchExportStats();
        ElasticsearchSpanExporter exporter = new ElasticsearchSpanExporter(
                ElasticsearchConnection.unsecured(URI.create(system.elasticsearch())), prefix,
                new ElasticsearchSpanExporter.Settings(1_000, 10_000, 5L << 20, Duration.ofSeconds(30), 1, 5,
                        Duration.ofMinutes(1), false), stats);
        exporter.export(spans(200));
        // the flush interval (30 s) is far away and the batch (10000) not full: only shutdown can write them now
        assertThat(exporter.shutdown().join(20, TimeUnit.SECONDS).isSuccess(), is(true));
        assertThat(count("*"), is(200L));
        assertThat(stats.indexed(), is(200L));
    }

    private ElasticsearchSpanExporter exporter(URI endpoint, int queueSize, ElasticsearchExportStats stats) {
        return exporter(endpoint, queueSize, stats, false);
    }

    private ElasticsearchSpanExporter exporter(URI endpoint, int queueSize, ElasticsearchExportStats stats,
                                               boolean spanIds) {
        ElasticsearchSpanExporter exporter = new ElasticsearchSpanExporter(ElasticsearchConnection.unsecured(endpoint),
                prefix, new ElasticsearchSpanExporter.Settings(queueSize, 100, 5L << 20, Duration.ofMillis(100), 2,
                        1_000, Duration.ofMinutes(1), spanIds), stats);
        exporters.add(exporter);
        return exporter;
    }

    private long count(String query) {
        RestAssured.given().baseUri(system.elasticsearch()).post("/" + prefix + "-*/_refresh").then().statusCode(200);
        return ((Number) RestAssured.given().baseUri(system.elasticsearch()).contentType(ContentType.JSON)
                .body(Map.of("query", Map.of("query_string", Map.of("query", query))))
                .post("/" + prefix + "-*/_count").then().statusCode(200).extract().path("count")).longValue();
    }

    /** Realistic spans: a server span, a business span and a database span per trace; every 7th trace fails. */
    private static List<SpanData> spans(int count) {
        InMemorySpanExporter recorded = InMemorySpanExporter.create();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "payments")))
                .addSpanProcessor(SimpleSpanProcessor.create(recorded)).build();
        Tracer tracer = provider.get("exporter-it");
        long now = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        for (int i = 0; recorded.getFinishedSpanItems().size() < count; i++) {
            Span span = tracer.spanBuilder(i % 3 == 0 ? "POST /payments" : i % 3 == 1 ? "payments.authorize"
                            : "INSERT payments")
                    .setSpanKind(i % 3 == 0 ? SpanKind.SERVER : i % 3 == 1 ? SpanKind.INTERNAL : SpanKind.CLIENT)
                    .setStartTimestamp(now + i, TimeUnit.NANOSECONDS)
                    .setAttribute("http.request.method", "POST").setAttribute("flowlens.amount", 10.5 + i)
                    .startSpan();
            if (i % 7 == 0) {
                span.recordException(new IllegalStateException("declined " + i));
                span.setStatus(StatusCode.ERROR);
            }
            span.end(now + i + TimeUnit.MILLISECONDS.toNanos(i % 250), TimeUnit.NANOSECONDS);
        }
        List<SpanData> finished = List.copyOf(recorded.getFinishedSpanItems().subList(0, count));
        provider.close(); // also empties the in-memory exporter
        return finished;
    }
}
