package io.flowlens.systemtests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowlens.systemtests.FlowTraffic.Flow;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/**
 * Backends and a downstream service go away while bounded traffic runs through the full flow: the services keep
 * answering (degraded with problem+json where a dependency is really needed), no answered flow is lost or
 * duplicated, undelivered spans are counted, and everything recovers. Figures go to target/outages.txt.
 */
@ResourceLock(Lanes.MAIN)
class OutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(6);
    /** As long as the storage outage the architecture issue asks the pipeline to survive. */
    private static final Duration STORAGE_OUTAGE = Duration.ofSeconds(30);

    private static SystemUnderTest system;

    @BeforeAll
    static void start() {
        system = SystemUnderTest.get();
    }

    @Test
    void jaegerOutageLosesNoRequestAndSpansFlowAgain() throws Exception {
        long droppedBefore = servicesDropped();
        FlowTraffic traffic = FlowTraffic.start(system.orchestrator());
        ServiceProcesses.sleep(1500);
        Path jaegerPid = system.instanceDir().resolve("jaeger/jaeger.pid");
        long pid = Long.parseLong(Files.readString(jaegerPid).trim());
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        ServiceProcesses.sleep(OUTAGE.toMillis());
        SystemUnderTest.stack(system.root(), "up");
        long back = System.nanoTime();
        ServiceProcesses.sleep(1500);
        List<Flow> flows = traffic.stop();

        assertThat("every flow answered while Jaeger was down: " + Flow.summary(flows),
                flows.stream().filter(f -> f.status() != 200).toList(), is(empty()));
        assertNothingLostOrDuplicated(flows);

        String traceId = RestAssured.given().baseUri(system.orchestrator()).get("/demo/full-flow/1")
                .then().statusCode(200).extract().path("trace_id");
        system.jaeger().awaitTrace(traceId, spans -> FullFlowSystemIT.servicesOf(spans).size() == 4, Duration.ofSeconds(10));
        // The OTLP exporter (OpenTelemetry 1.62) retries a failed batch for several seconds, so a short outage can
        // lose nothing; a longer one fills the batch processor's queue. What must hold: a span either reached Jaeger
        // once it was back, or its loss was counted by the service that made it (any of the four: every one exports
        // its own part of the trace). Read after the traces were checked, since a failed export is counted only once
        // its retries are over.
        List<String> traceIds = flows.stream().map(Flow::traceId).toList();
        List<Boolean> reached = Parallel.map(traceIds, OutageIT::reachedJaeger);
        List<String> incomplete = IntStream.range(0, traceIds.size()).filter(i -> !reached.get(i))
                .mapToObj(traceIds::get).toList();
        long dropped = servicesDropped() - droppedBefore;
        assertThat("flows whose trace never reached Jaeger whole (" + incomplete.size() + ": " + servicesSeen(incomplete)
                + ") are counted as dropped spans (" + dropped + ")", incomplete.isEmpty() || dropped > 0, is(true));
        long recoveryMillis = (System.nanoTime() - back) / 1_000_000;
        report("jaeger", flows, dropped, recoveryMillis);
    }

    /** The services each trace has in Jaeger, for the failure message. */
    private static Map<String, Set<String>> servicesSeen(List<String> traceIds) {
        Map<String, Set<String>> seen = new HashMap<>();
        for (String traceId : traceIds.subList(0, Math.min(5, traceIds.size()))) {
            try {
                seen.put(traceId, FullFlowSystemIT.servicesOf(system.jaeger().awaitTrace(traceId, spans -> true,
                        Duration.ofSeconds(1))));
            } catch (AssertionError | RuntimeException e) {
                seen.put(traceId, Set.of());
            }
        }
        return seen;
    }

    private static boolean reachedJaeger(String traceId) {
        try {
            system.jaeger().awaitTrace(traceId, spans -> FullFlowSystemIT.servicesOf(spans).size() == 4, Duration.ofSeconds(3));
            return true;
        } catch (AssertionError | RuntimeException e) {
            return false;
        }
    }

    @Test
    void paymentsCrashDegradesToProblemsAndRecovers() throws Exception {
        FlowTraffic traffic = FlowTraffic.start(system.orchestrator());
        ServiceProcesses.sleep(1500);
        system.services().kill("payments");
        ServiceProcesses.sleep(OUTAGE.toMillis());
        system.services().restart("payments");
        long back = System.nanoTime();
        ServiceProcesses.sleep(1500);
        List<Flow> flows = traffic.stop();

        List<Flow> failed = flows.stream().filter(f -> f.status() != 200).toList();
        assertThat("flows failed while payments was down", failed.isEmpty(), is(false));
        assertThat("a missing payments service is 503/504 problem+json, never 500: " + Flow.summary(flows),
                failed.stream().filter(f -> f.status() != 503 && f.status() != 504).toList(), is(empty()));
        assertThat("no flow hung: slowest took " + Flow.slowestMillis(flows) + " ms",
                Flow.slowestMillis(flows), lessThan(10_000L));
        assertNothingLostOrDuplicated(flows);
        RestAssured.given().baseUri(system.orchestrator()).get("/demo/full-flow/1").then().statusCode(200);
        report("payments", flows, 0, (System.nanoTime() - back) / 1_000_000);
    }

    /**
     * An operator's SIGTERM right after a request: the service exports the spans it still held before it exits
     * (Helidon MP Telemetry alone never shut the SDK down, so the last batch was lost). The request carries its own
     * trace id, so the trace is known without asking the service.
     */
    @Test
    void aServiceStoppedRightAfterARequestStillExportsItsSpans() {
        Traceparent caller = Traceparent.random();
        String traceId = caller.traceId();
        RestAssured.given().baseUri(system.services().url("users"))
                .header("traceparent", caller.header())
                .get("/users/1").then().statusCode(200);
        try {
            system.services().stop("users"); // well inside the 200 ms the batch processor waits before it exports
        } finally {
            system.services().restart("users");
        }
        List<TraceSpan> spans = system.jaeger().awaitTrace(traceId, found -> found.stream().anyMatch(span ->
                span.kind() == TraceSpan.SERVER) && found.stream().anyMatch(span -> span.name().startsWith("SELECT")),
                Duration.ofSeconds(30));
        assertThat(spans.stream().map(TraceSpan::service).distinct().toList(), is(List.of("users")));
    }

    /**
     * Elasticsearch is killed for {@link #STORAGE_OUTAGE} under traffic (Jaeger's storage and the span indexer's target
     * at once) and brought back by {@code bin/stack.sh up}, which restarts nothing else: the business does not notice,
     * and every trace answered before, during and after the outage ends up whole in both stores, Jaeger's
     * {@code jaeger-span-*} and our {@code flowlens-spans-*}, checked trace by trace against a fresh flow of the same
     * outcome. What a path could not keep must be counted on that path: Jaeger's exporters, the indexer, the services.
     */
    @Test
    void elasticsearchOutageLosesNoTraceInEitherStore() throws Exception {
        long indexerPathDroppedBefore = spansCountedAsLost();
        long storagePathDroppedBefore = storagePathCountedAsLost();
        long retriedBefore = esExporterTotal("retried");
        long jaegerPid = Long.parseLong(Files.readString(system.instanceDir().resolve("jaeger/jaeger.pid")).trim());
        FlowTraffic traffic = FlowTraffic.start(system.orchestrator());
        ServiceProcesses.sleep(1500);
        Path esPid = system.instanceDir().resolve("es/run/elasticsearch.pid");
        ProcessHandle elasticsearch = ProcessHandle.of(Long.parseLong(Files.readString(esPid).trim())).orElseThrow();
        long down = System.nanoTime();
        elasticsearch.destroy();
        elasticsearch.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
        ServiceProcesses.sleep(STORAGE_OUTAGE.toMillis());
        SystemUnderTest.stack(system.root(), "up");
        long back = System.nanoTime();
        long indexedAtReturn = esExporterTotal("indexed");
        // recovery: the indexer writes again and its backlog from the outage is drained
        Awaitility.await("the indexer writes again and drains its backlog").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> esExporterTotal("indexed") > indexedAtReturn && esExporterTotal("queued") == 0);
        long recoveryMillis = (System.nanoTime() - back) / 1_000_000;
        ServiceProcesses.sleep(Math.max(0, 3000 - recoveryMillis));
        List<Flow> flows = traffic.stop();

        assertThat("every flow answered while Elasticsearch was down: " + Flow.summary(flows),
                flows.stream().filter(f -> f.status() != 200).toList(), is(empty()));
        assertNothingLostOrDuplicated(flows);
        assertThat("the indexer noticed the outage and retried", esExporterTotal("retried") - retriedBefore,
                greaterThan(0L));
        assertThat("Jaeger was not restarted to recover", ProcessHandle.of(jaegerPid).map(ProcessHandle::isAlive)
                .orElse(false), is(true));
        // the storage path's accounting reads the writer's errors as 0 while absent: it must publish its counters
        assertThat("Jaeger's Elasticsearch writer counts its bulk inserts",
                PrometheusMetrics.value(system.jaegerMetrics(), "jaeger_storage_bulk_index_inserts_total",
                        PrometheusMetrics.JAEGER_STORAGE_WRITER), greaterThan(0L));

        // spans per flow outcome in each store: the same flows again now that all is well, counted once stable
        Map<String, String> traceOfOutcome = new HashMap<>();
        for (String amount : List.of("10.00", "2500.00")) {
            JsonPath answer = RestAssured.given().baseUri(system.orchestrator()).queryParam("amount", amount)
                    .get("/demo/full-flow/1").then().statusCode(200).extract().jsonPath();
            traceOfOutcome.put(answer.getString("order_status"), answer.getString("trace_id"));
        }
        List<Map<String, Long>> reference = awaitStable(() -> List.of(
                spansPerOutcome("flowlens-spans-*", "trace_id", traceOfOutcome),
                spansPerOutcome("jaeger-span-*", "traceID", traceOfOutcome)));
        Map<String, Long> flowlensPerOutcome = reference.get(0);
        Map<String, Long> jaegerPerOutcome = reference.get(1);
        List<Flow> duringOutage = flows.stream()
                .filter(f -> f.answeredAtNanos() > down && f.answeredAtNanos() < back).toList();
        assertThat("flows answered while Elasticsearch was down", duringOutage.isEmpty(), is(false));

        long[] missing = new long[2];
        // the span counts of the last poll, so that a failure describes what was judged
        List<Map<String, Long>> judged = new CopyOnWriteArrayList<>(List.of(Map.of(), Map.of()));
        try {
            Awaitility.await("every trace whole in flowlens-spans-* and jaeger-span-*").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1)).until(() -> {
                        judged.set(0, spansPerTrace(flows, "flowlens-spans-*", "trace_id"));
                        judged.set(1, spansPerTrace(flows, "jaeger-span-*", "traceID"));
                        missing[0] = missingSpans(flows, judged.get(0), flowlensPerOutcome);
                        missing[1] = missingSpans(flows, judged.get(1), jaegerPerOutcome);
                        return missing[0] == 0 && missing[1] == 0;
                    });
        } catch (ConditionTimeoutException stillMissing) {
            // judged below: what is still missing must at least be counted on its path
        }
        long indexerPathDropped = spansCountedAsLost() - indexerPathDroppedBefore;
        long storagePathDropped = storagePathCountedAsLost() - storagePathDroppedBefore;
        String figures = String.format("outage=elasticsearch-%ds traces=%d during-outage=%d spans-missing"
                + " flowlens-spans=%d (counted %d) jaeger-span=%d (counted %d) recovery-ms=%d%n",
                STORAGE_OUTAGE.toSeconds(), flows.size(), duringOutage.size(), missing[0], indexerPathDropped,
                missing[1], storagePathDropped, recoveryMillis);
        if (missing[0] > 0 || missing[1] > 0) {
            // which traces are short, and by how much, against which reference: a loss in one store, or every trace of
            // an outcome one span short in both (a reference flow that took a longer path than the traffic's)
            figures += String.format("  reference spans per outcome: flowlens-spans %s jaeger-span %s%n"
                    + "  traces per outcome and span count: flowlens-spans %s jaeger-span %s%n",
                    flowlensPerOutcome, jaegerPerOutcome, spanCountsPerOutcome(flows, judged.get(0)),
                    spanCountsPerOutcome(flows, judged.get(1)));
        }
        System.out.print(figures);
        Files.writeString(system.root().resolve("system-tests/target/outages.txt"), figures,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        assertThat("spans missing from flowlens-spans-* and not counted as dropped: " + figures, missing[0],
                lessThan(indexerPathDropped + 1));
        assertThat("spans missing from jaeger-span-* and not counted as dropped: " + figures, missing[1],
                lessThan(storagePathDropped + 1));
        report("elasticsearch", flows, indexerPathDropped, recoveryMillis);
        String latency = String.format("outage=elasticsearch flow-latency-ms p50 outside=%d during=%d, max outside=%d"
                + " during=%d%n", percentile(outside(flows, down, back), 50), percentile(duringOutage, 50),
                percentile(outside(flows, down, back), 100), percentile(duringOutage, 100));
        System.out.print(latency);
        Files.writeString(system.root().resolve("system-tests/target/outages.txt"), latency,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Spans of each of the flows' traces in an index. */
    private static Map<String, Long> spansPerTrace(List<Flow> flows, String index, String traceField) {
        return SpanCounts.perTrace(system, index, traceField, flows.stream().map(Flow::traceId).toList());
    }

    /** Spans the flows' traces lack (`counts` per trace), against the span count of a fresh flow with its outcome. */
    private static long missingSpans(List<Flow> flows, Map<String, Long> counts, Map<String, Long> perOutcome) {
        return flows.stream()
                .mapToLong(f -> Math.max(0, perOutcome.get(f.orderStatus()) - counts.getOrDefault(f.traceId(), 0L)))
                .sum();
    }

    /** For each outcome, how many of the flows' traces hold how many spans (`counts`): {DECLINED={35=180, 36=6}}. */
    private static Map<String, Map<Long, Long>> spanCountsPerOutcome(List<Flow> flows, Map<String, Long> counts) {
        Map<String, Map<Long, Long>> perOutcome = new TreeMap<>();
        flows.forEach(f -> perOutcome.computeIfAbsent(String.valueOf(f.orderStatus()), outcome -> new TreeMap<>())
                .merge(counts.getOrDefault(f.traceId(), 0L), 1L, Long::sum));
        return perOutcome;
    }

    /** Spans in an index of each outcome's reference trace; 0 for a trace it does not hold yet. */
    private static Map<String, Long> spansPerOutcome(String index, String traceField,
                                                     Map<String, String> traceOfOutcome) {
        Map<String, Long> counts = SpanCounts.perTrace(system, index, traceField, traceOfOutcome.values());
        Map<String, Long> perOutcome = new HashMap<>();
        traceOfOutcome.forEach((outcome, traceId) -> perOutcome.put(outcome, counts.getOrDefault(traceId, 0L)));
        return perOutcome;
    }

    /**
     * The span counts once none is 0 and none changed for two seconds: the reference flows' spans still on their way
     * would otherwise make the reference too small.
     */
    private static List<Map<String, Long>> awaitStable(Supplier<List<Map<String, Long>>> counts) {
        AtomicReference<List<Map<String, Long>>> last = new AtomicReference<>(List.of());
        Awaitility.await("stable span counts").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(2))
                .until(() -> {
                    List<Map<String, Long>> now = counts.get();
                    boolean stable = now.stream().noneMatch(perOutcome -> perOutcome.containsValue(0L))
                            && now.equals(last.get());
                    last.set(now);
                    return stable;
                });
        return last.get();
    }

    private static List<Flow> outside(List<Flow> flows, long from, long to) {
        return flows.stream().filter(f -> f.answeredAtNanos() < from || f.answeredAtNanos() > to).toList();
    }

    private static long percentile(List<Flow> flows, int percent) {
        List<Long> sorted = flows.stream().map(Flow::millis).sorted().toList();
        return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, sorted.size() * percent / 100));
    }

    /** One of the Elasticsearch exporter's counters on the span indexer's /metrics. */
    private static long esExporterTotal(String counter) {
        return PrometheusMetrics.indexer(system, "flowlens_telemetry_elasticsearch_spans_" + counter);
    }

    /** Every place a span on its way to flowlens-spans-* can be given up and counted. */
    private static long spansCountedAsLost() {
        return servicesDropped() + esExporterTotal("dropped") + esExporterTotal("failed")
                + PrometheusMetrics.jaegerToIndexer(system, "otelcol_exporter_send_failed_spans_total")
                + PrometheusMetrics.jaegerToIndexer(system, "otelcol_exporter_enqueue_failed_spans_total");
    }

    /**
     * What the services could not send Jaeger, what its exporter to its own Elasticsearch storage gave up, and what
     * that storage's bulk writer had refused: the exporter counts a span as sent once the writer queued it for a bulk,
     * so a document the bulk then loses shows only in the writer's errors (which count its service documents too, so
     * they can only overstate the spans).
     */
    private static long storagePathCountedAsLost() {
        return servicesDropped() + PrometheusMetrics.jaegerToStorage(system, "otelcol_exporter_send_failed_spans_total")
                + PrometheusMetrics.jaegerToStorage(system, "otelcol_exporter_enqueue_failed_spans_total")
                + PrometheusMetrics.jaegerStorageWriter(system, "jaeger_storage_bulk_index_errors_total");
    }

    /** Spans the four services could not hand to Jaeger: the start of both paths. */
    private static long servicesDropped() {
        return ServiceProcesses.SERVICES.stream().mapToLong(OutageIT::dropped).sum();
    }

    /** Every 2xx flow's order and payment exist with the state the answer reported; no two flows share an order. */
    private static void assertNothingLostOrDuplicated(List<Flow> flows) {
        List<Flow> answered = flows.stream().filter(f -> f.status() == 200).toList();
        Set<Long> orders = new HashSet<>();
        answered.forEach(flow -> assertThat("order " + flow.orderId() + " belongs to one flow",
                orders.add(flow.orderId()), is(true)));
        Parallel.map(answered, flow -> {
            assertStored(flow);
            return flow;
        });
    }

    private static void assertStored(Flow flow) {
        JsonNode order = JsonHttp.json(JsonHttp.ok(JsonHttp.get(system.orchestrator() + "/orders/" + flow.orderId())));
        assertThat("order " + flow.orderId() + " has the status its flow answered", order.path("status").asText(),
                is(flow.orderStatus()));
        JsonNode payment = JsonHttp.json(JsonHttp.ok(JsonHttp.get(system.orchestrator() + "/payments/"
                + flow.paymentId())));
        assertThat("payment " + flow.paymentId() + " belongs to order " + flow.orderId(),
                payment.path("order_id").asLong(), is(flow.orderId()));
    }

    private static long dropped(String service) {
        return metric(service, "flowlens_telemetry_spans_dropped");
    }

    private static long metric(String service, String name) {
        String metrics = RestAssured.given().baseUri(system.services().url(service)).get("/metrics")
                .then().statusCode(200).extract().asString();
        return metrics.lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .map(line -> line.substring(line.lastIndexOf(' ') + 1))
                .mapToLong(value -> (long) Double.parseDouble(value)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " on /metrics of " + service));
    }

    private static void report(String outage, List<Flow> flows, long droppedSpans, long recoveryMillis) throws IOException {
        Map<Integer, Long> byStatus = new ConcurrentHashMap<>();
        flows.forEach(f -> byStatus.merge(f.status(), 1L, Long::sum));
        long maxRss = ServiceProcesses.SERVICES.stream().mapToLong(s -> system.services().rssKilobytes(s)).max().orElse(0);
        String line = String.format("outage=%s requests=%d by-status=%s lost=0 duplicated=0 spans-dropped=%d"
                + " recovery-ms=%d max-service-rss-mb=%d%n", outage, flows.size(), byStatus, droppedSpans, recoveryMillis,
                maxRss / 1024);
        System.out.print(line);
        Files.writeString(system.root().resolve("system-tests/target/outages.txt"), line,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
