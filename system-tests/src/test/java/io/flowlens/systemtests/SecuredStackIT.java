package io.flowlens.systemtests;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.flowlens.exporter.elasticsearch.ElasticsearchConnection;
import io.flowlens.exporter.elasticsearch.ElasticsearchExportStats;
import io.flowlens.exporter.elasticsearch.ElasticsearchSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/**
 * The secured profile of the stack ({@code FLOWLENS_ES_SECURITY=on}), a second instance beside the main one:
 * Elasticsearch over https with a CA of its own refuses anonymous and wrong credentials (401), the span indexer's user
 * (the only span-document writer; the services hold no Elasticsearch credentials) writes with its password and the CA
 * file and may do nothing else (403), Jaeger stores spans with its user over https and hands them to the indexer,
 * which writes them to flowlens-spans-*, and no password reaches a log. Every request of the test itself trusts only that CA.
 */
@ResourceLock(Lanes.SIDE)
class SecuredStackIT {

    private static final int SHIFT = 50;
    private static final String ES = "https://127.0.0.1:" + (SystemUnderTest.ES_PORT + SHIFT);

    private static Path root;
    /**
     * Outside the repository, as a user's would be (~/.config/flowlens/<instance> by default); JUnit deletes it after
     * the class, so no run leaves its passwords in /tmp.
     */
    @TempDir
    static Path secrets;
    private static Map<String, String> environment;

    @BeforeAll
    static void start() {
        root = SystemUnderTest.get().root();
        environment = SystemUnderTest.instanceEnvironment("secured-tests", SHIFT);
        environment.put("FLOWLENS_ES_SECURITY", "on");
        environment.put("FLOWLENS_SECRETS_DIR", secrets.toString());
        SystemUnderTest.stack(root, "up", environment);
    }

    @AfterAll
    static void stop() {
        if (environment != null) {
            SystemUnderTest.stack(root, "down", environment);
        }
    }

    @Test
    void elasticsearchRefusesAnonymousAndWrongCredentials() throws IOException {
        es().get("/_cluster/health").then().statusCode(401);
        es().auth().preemptive().basic("flowlens_indexer", "not-the-password")
                .get("/_cluster/health").then().statusCode(401);
        es().auth().preemptive().basic("elastic", password("elastic"))
                .get("/_cluster/health").then().statusCode(200);
        assertThat("secret files are private", Files.getPosixFilePermissions(secrets.resolve("elastic.password"))
                .toString(), is("[OWNER_READ, OWNER_WRITE]"));
    }

    @Test
    void exporterWritesWithItsCredentialsAndMayNotDoMore() throws IOException {
        String password = password("flowlens_indexer");
        List<LogRecord> logged = captureLogs();
        ElasticsearchExportStats stats = new ElasticsearchExportStats();
        ElasticsearchSpanExporter exporter = exporter(password, stats);
        // a service name of this run only: the instance keeps its data between runs
        String service = "secured-it-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        List<SpanData> spans = SpanIngestBenchmark.generate(50, service);
        exporter.export(spans);
        assertThat(exporter.flush().join(30, TimeUnit.SECONDS).isSuccess(), is(true));
        exporter.shutdown().join(20, TimeUnit.SECONDS);
        assertThat(stats.indexed(), is(50L));
        assertThat(count("service:\"" + service + "\""), is(50L));
        // least privilege: the writer's user can write spans, not delete them
        es().auth().preemptive().basic("flowlens_indexer", password)
                .delete("/" + indexName()).then().statusCode(403);

        ElasticsearchExportStats refused = new ElasticsearchExportStats();
        int loggedBefore = logged.size();
        ElasticsearchSpanExporter wrong = exporter("wrong-" + password, refused);
        wrong.export(spans);
        awaitRefused(logged, loggedBefore);
        wrong.shutdown().join(20, TimeUnit.SECONDS);
        assertThat("nothing indexed with a wrong password", refused.indexed(), is(0L));
        assertThat("and every span accounted as dropped or failed", refused.dropped() + refused.failed(), is(50L));
        assertThat("the exporter said why", logged.subList(loggedBefore, logged.size()).stream()
                .anyMatch(r -> String.valueOf(r.getMessage()).contains("unable to authenticate user")), is(true));
        assertThat("no password in any log record", logged.stream()
                .filter(r -> String.valueOf(r.getMessage()).contains(password)).toList(), is(empty()));

        // without the stack's CA the JDK does not trust the certificate: nothing is written
        ElasticsearchExportStats untrusted = new ElasticsearchExportStats();
        int loggedBeforeNoCa = logged.size();
        ElasticsearchSpanExporter noCa = exporter(password, Optional.empty(), untrusted);
        noCa.export(spans);
        awaitRefused(logged, loggedBeforeNoCa);
        noCa.shutdown().join(20, TimeUnit.SECONDS);
        assertThat("nothing indexed without trusting the CA", untrusted.indexed(), is(0L));
        assertThat("the exporter said why", logged.subList(loggedBeforeNoCa, logged.size()).stream()
                .anyMatch(r -> String.valueOf(r.getMessage()).contains("PKIX path building failed")), is(true));
        assertThat(count("service:\"" + service + "\""), is(50L));
    }

    @Test
    void jaegerStoresSpansWithItsOwnUserAndTheIndexerWritesThemWithItsOwn() throws Exception {
        String service = "secured-jaeger-it-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        List<SpanData> spans = SpanIngestBenchmark.generate(25, service);
        OtlpHttpSpanExporter otlp = OtlpHttpSpanExporter.builder()
                .setEndpoint("http://127.0.0.1:" + (SystemUnderTest.OTLP_HTTP_PORT + SHIFT) + "/v1/traces").build();
        assertThat(otlp.export(spans).join(10, TimeUnit.SECONDS).isSuccess(), is(true));
        otlp.shutdown();
        String traceId = spans.get(0).getTraceId();
        JaegerQuery jaeger = new JaegerQuery("http://127.0.0.1:" + (SystemUnderTest.QUERY_PORT + SHIFT));
        List<TraceSpan> stored = jaeger.awaitTrace(traceId, found -> found.size() == 25, Duration.ofSeconds(30));
        assertThat(stored.size(), is(25));
        long inElasticsearch = ((Number) es().auth().preemptive()
                .basic("elastic", password("elastic")).contentType(ContentType.JSON)
                .body(Map.of("query", Map.of("term", Map.of("traceID", traceId))))
                .post("/jaeger-span-*/_count").then().statusCode(200).extract().path("count")).longValue();
        assertThat(inElasticsearch, is(greaterThan(0L)));
        // and through Jaeger's otlphttp exporter the span indexer wrote every one of them as flowlens_indexer
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> count("service:\"" + service + "\""), indexed -> indexed == 25L);
    }

    @Test
    void consoleReadsTheSpanDocumentsWithItsReadOnlyUser() throws IOException {
        String password = password("flowlens_console");
        es().auth().preemptive().basic("flowlens_console", password).get("/flowlens-spans-*/_search?size=1")
                .then().statusCode(200);
        // read-only: it may neither write a span document nor delete an index
        es().auth().preemptive().basic("flowlens_console", password).contentType(ContentType.JSON)
                .body(Map.of("service", "not-allowed")).post("/flowlens-spans-2000.01.01/_doc").then().statusCode(403);
        // (a name the user could read: authorization is decided before whether the index exists)
        es().auth().preemptive().basic("flowlens_console", password)
                .delete("/flowlens-spans-2000.01.01").then().statusCode(403);
        // and the console of this instance reads through it (https, the stack's CA): the map is an answer, not a 503
        RestAssured.given().baseUri("http://127.0.0.1:" + (SystemUnderTest.CONSOLE_PORT + SHIFT)).get("/api/map")
                .then().statusCode(200).contentType(ContentType.JSON);
    }

    /** Requests to the secured Elasticsearch that trust its CA and nothing else. */
    private static io.restassured.specification.RequestSpecification es() {
        try (var pem = Files.newInputStream(secrets.resolve("ca.crt"))) {
            java.security.KeyStore trust = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(pem));
            return RestAssured.given().baseUri(ES).trustStore(trust);
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the stack's CA " + secrets.resolve("ca.crt"), e);
        }
    }

    private static ElasticsearchSpanExporter exporter(String password, ElasticsearchExportStats stats) {
        return exporter(password, Optional.of(secrets.resolve("ca.crt")), stats);
    }

    private static ElasticsearchSpanExporter exporter(String password, Optional<Path> caFile,
                                                      ElasticsearchExportStats stats) {
        return new ElasticsearchSpanExporter(new ElasticsearchConnection(URI.create(ES),
                Optional.of("flowlens_indexer"), Optional.of(password), caFile), "flowlens-spans",
                new ElasticsearchSpanExporter.Settings(1_000, 100, 5L << 20, Duration.ofMillis(100), 1, 2,
                        Duration.ofMillis(1), false), stats);
    }

    private static long count(String query) throws IOException {
        es().auth().preemptive().basic("elastic", password("elastic"))
                .post("/flowlens-spans-*/_refresh").then().statusCode(200);
        return ((Number) es().auth().preemptive().basic("elastic", password("elastic"))
                .contentType(ContentType.JSON)
                .body(Map.of("query", Map.of("query_string", Map.of("query", query))))
                .post("/flowlens-spans-*/_count").then().statusCode(200).extract().path("count")).longValue();
    }

    private static String indexName() throws IOException {
        return es().auth().preemptive().basic("elastic", password("elastic"))
                .get("/_cat/indices/flowlens-spans-*?h=index&format=json").then().statusCode(200)
                .extract().jsonPath().getString("[0].index");
    }

    private static String password(String user) throws IOException {
        return Files.readString(secrets.resolve(user + ".password")).strip();
    }

    /** Every record the exporter logs from now on. */
    private static List<LogRecord> captureLogs() {
        List<LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        Logger.getLogger(ElasticsearchSpanExporter.class.getName()).addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        return records;
    }

    /**
     * Until the exporter has tried and been refused, which it logs (its first refusal is the index template's): a flush
     * would wait out its 10 s bound on spans that are never written, and shutdown counts what it still holds as dropped.
     */
    private static void awaitRefused(List<LogRecord> logged, int before) {
        org.awaitility.Awaitility.await("a refused attempt, logged").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100)).until(() -> logged.size() > before);
    }
}
