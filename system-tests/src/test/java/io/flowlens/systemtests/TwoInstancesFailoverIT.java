package io.flowlens.systemtests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.flowlens.systemtests.FlowTraffic.Flow;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/**
 * Two instances of every service on one PostgreSQL, behind HAProxy ({@code bin/services.sh balancer}, the balancer of
 * {@code make up DB=postgres INSTANCES=2}), full flows running through it: one instance of each service is killed
 * (SIGKILL) mid-traffic and restarted a little later. The balancer takes the dead instances out, the flows the kill
 * cut off end in a defined state (the surviving and the restarted orchestrator recover the runs of the dead one, each
 * run exactly once), no order or payment is lost or duplicated (the rows against the flows' answers), and every
 * answered trace is whole in Jaeger. Figures go to target/failover.txt.
 */
@ResourceLock(Lanes.SIDE)
class TwoInstancesFailoverIT {

    private static final Duration RECOVERY_AFTER = Duration.ofSeconds(40);
    private static final Set<String> DELIVERED = Set.of("CONFIRMED", "PAID");
    private static final String TOKEN = UUID.randomUUID().toString();

    private static SystemUnderTest system;
    private static Instant testStart;
    private static PostgresDatabases databases;
    private static ServiceProcesses first;
    private static ServiceProcesses second;
    private static HaproxyBalancer balancer;

    private static Process k6;

    @BeforeAll
    static void start() {
        testStart = Instant.now();
        system = SystemUnderTest.side();
        databases = PostgresDatabases.fresh(system, "two_instances");
        Map<String, Integer> ports = HaproxyBalancer.freePorts();
        Map<String, String> env = new HashMap<>(HaproxyBalancer.downstreamsThrough(ports));
        env.put("FLOWLENS_ADMIN_TOKEN", TOKEN);
        env.put("IO_FLOWLENS_ORCHESTRATOR_DOWNSTREAMSERVICES_TIMEOUT_VALUE", "1000");
        // as SagaRetrySystemIT: longer than the longest flow 1 s timeouts allow (36.6 s); both orchestrators look
        // every second, so they race for each stale run
        env.put("FLOWLENS_FLOW_RECOVERY_AFTER", "PT" + RECOVERY_AFTER.toSeconds() + "S");
        env.put("IO_FLOWLENS_ORCHESTRATOR_FLOWRECOVERY_ROUND_SCHEDULE_INITIAL_DELAY", "1");
        env.put("IO_FLOWLENS_ORCHESTRATOR_FLOWRECOVERY_ROUND_SCHEDULE_DELAY", "1");
        String otlp = system.otlp();
        first = ServiceProcesses.start(system.root(), otlp, env, "two-instances-1", databases);
        second = ServiceProcesses.start(system.root(), otlp, env, "two-instances-2", databases);
        balancer = HaproxyBalancer.start(system, ports, List.of(first, second));
        // fresh JVMs (see PostgresFullFlowSystemIT): warm both orchestrators, which take turns, until flows get through
        String orchestrator = balancer.url("orchestrator");
        Awaitility.await("flows through the balancer").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> RestAssured.given().baseUri(orchestrator).get("/demo/full-flow/1").statusCode() == 200
                        && RestAssured.given().baseUri(orchestrator).get("/demo/full-flow/2").statusCode() == 200);
    }

    @AfterAll
    static void stop() {
        if (k6 != null && k6.isAlive()) {
            k6.destroyForcibly(); // a test that failed before it stopped k6
        }
        for (AutoCloseable closeable : new AutoCloseable[] {balancer, second, first}) {
            if (closeable != null) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    System.err.println("cannot stop " + closeable + ": " + e);
                }
            }
        }
    }

    @Test
    void losingOneInstanceOfEachServiceLosesNothingAndEveryFlowEndsDefined() throws Exception {
        // two clients at once, so that flows are in flight in the instances the kill takes
        List<FlowTraffic> clients = List.of(FlowTraffic.start(balancer.url("orchestrator")),
                FlowTraffic.start(balancer.url("orchestrator")));
        // and k6 at a constant arrival rate beside them: its flows are in the database checks below (every order,
        // payment and run), its answers in the report; the two clients' answers are compared flow by flow
        Path k6Summary = system.root().resolve("system-tests/target/failover-k6-summary.json");
        k6 = k6Traffic(k6Summary);
        ServiceProcesses.sleep(10_000);
        // one flow surely cut off: sent to the first orchestrator itself, killed once its order exists, while payments
        // (slowed below the 1 s timeout, so the other flows still get through) holds it
        paymentsLatency(500);
        String traceId;
        CompletableFuture<Integer> cutOff;
        int tries = 0;
        boolean inFlight;
        do { // a stall of this thread longer than the slowed payment lets the flow end first: then another one
            Traceparent caller = Traceparent.random();
            traceId = caller.traceId();
            cutOff = fullFlowOnTheFirstOrchestrator(caller);
            String run = "SELECT count(*) FROM flow_runs WHERE order_id IS NOT NULL AND trace_id = '" + traceId + "'";
            Awaitility.await("the flow sent to the first orchestrator has its order").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50)).until(() -> count("orchestrator", run) == 1);
            inFlight = count("orchestrator", run + " AND outcome = 'STARTED'") == 1 && !cutOff.isDone();
        } while (!inFlight && ++tries < 3);
        String cutTraceId = traceId;
        long killed = System.nanoTime();
        Instant killedAt = Instant.now();
        // the orchestrator first: each kill waits for its process to end, and under load the three before it took
        // longer than the slowed payment, so the flow meant to be cut off was answered
        for (String service : ServiceProcesses.SERVICES.reversed()) {
            first.kill(service);
        }
        long allDead = System.nanoTime();
        paymentsLatency(0);
        assertThat("the killed orchestrator never answered", cutOff.get(30, TimeUnit.SECONDS), is(-1));
        ServiceProcesses.sleep(10_000); // traffic on the survivors alone
        long restarting = System.nanoTime();
        for (String service : ServiceProcesses.SERVICES) {
            first.restart(service);
        }
        long restarted = System.nanoTime();
        ServiceProcesses.sleep(5_000); // traffic on all instances again
        List<Flow> flows = new ArrayList<>();
        for (FlowTraffic client : clients) {
            flows.addAll(client.stop());
        }
        K6Run k6Run = stopK6(k6, k6Summary);
        assertThat("k6 flows through the balancer", k6Run.requests(), is(greaterThan(0L)));

        // the balancer took the dead instances out: flows begun 3 s after the kill all got through on the survivors
        List<Flow> onSurvivors = flows.stream().filter(f -> f.startedAtNanos() > killed + seconds(3)
                && f.answeredAtNanos() < restarting).toList();
        assertThat("flows on the survivors", onSurvivors.isEmpty(), is(false));
        assertThat("flows begun 3 s after the kill, before the restart: " + Flow.summary(onSurvivors),
                onSurvivors.stream().filter(f -> f.status() != 200).toList(), is(empty()));

        // the runs the kill cut off are recovered by the orchestrators left (each run once), so none stays STARTED
        Awaitility.await("no flow run left STARTED").atMost(RECOVERY_AFTER.plusSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> count("orchestrator", "SELECT count(*) FROM flow_runs WHERE outcome = 'STARTED'") == 0);

        Rows rows = Rows.read();
        List<String> problems = new ArrayList<>();
        problems.addAll(answeredFlowsMatchTheRows(flows, rows));
        problems.addAll(everyRunEndedDefined(rows));
        assertThat("lost, duplicated or undefined (" + rows.summary() + ")", problems, is(empty()));

        Set<Long> recovered = rows.runs.values().stream().filter(run -> run.claimedBy() != null).map(Run::id)
                .collect(Collectors.toSet());
        Run cut = rows.runs.values().stream().filter(run -> cutTraceId.equals(run.traceId())).findFirst().orElseThrow();
        // COMPENSATED when the kill came before the confirm, COMPLETED when after it (a loaded run got that far in the
        // moment between seeing the order and the kill); either matches its order, as everyRunEndedDefined checked
        assertThat("the cut-off flow's run, recovered by the surviving orchestrator: " + cut, recovered.contains(cut.id())
                && Set.of("COMPENSATED", "COMPLETED").contains(cut.outcome()), is(true));
        Map<Long, Long> recoveries = Awaitility.await("a flow.recover span of every recovered run indexed")
                .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> recoverSpansPerRun(recovered), counted -> counted.keySet().containsAll(recovered));
        assertThat("flow.recover spans per run (recovered: " + recovered + ")",
                recoveries.entrySet().stream().filter(e -> e.getValue() != 1).toList(), is(empty()));

        // every trace answered whole, but for those the kill may have cut off in the dead instances' span buffers: a
        // SIGKILL loses what a JVM has not exported yet. A service exports its spans in the order they end, so the
        // latest span each dead instance did export marks how far it got; a flow answered before every dead instance's
        // mark, or begun once all four were dead, must be whole (a fixed 5 s margin was a guess: a loaded run found a
        // flow answered 6.3 s before the kill not whole)
        Map<String, Instant> exportedUpTo = new TreeMap<>();
        for (String service : ServiceProcesses.SERVICES) {
            exportedUpTo.put(service, latestSpanStartBefore(first.instanceId(service), killedAt));
        }
        Map<String, Long> exportedUpToMillis = millisFrom(killedAt, exportedUpTo);
        long wholeBefore = killed + Duration.between(killedAt,
                exportedUpTo.values().stream().min(Instant::compareTo).orElseThrow()).toNanos();
        List<Flow> traced = flows.stream().filter(f -> f.status() == 200
                && (f.answeredAtNanos() < wholeBefore || f.startedAtNanos() > allDead)).toList();
        // each with its start and answer in ms from the kill, to tell a span buffer the kill took from a lost span
        // and what Jaeger said of it, beside the services the indexer's copy has: Jaeger's storage alone, or the export
        List<String> incomplete = Parallel.map(traced, f -> notWholeInJaeger(f.traceId())
                .map(why -> f.traceId() + " started " + (f.startedAtNanos() - killed) / 1_000_000 + " answered "
                        + (f.answeredAtNanos() - killed) / 1_000_000 + ": " + why + "; flowlens-spans-* has "
                        + indexedSpansPerService(f.traceId()))).stream().flatMap(Optional::stream).toList();
        assertThat("traces not whole in Jaeger, of " + traced.size() + " (the dead instances' last exported span began,"
                + " in ms from the kill: " + exportedUpToMillis + "; all dead at "
                + (allDead - killed) / 1_000_000 + "; " + (incomplete.isEmpty() ? "" : spansGivenUp()) + ")",
                incomplete, is(empty()));

        // how long the cut-off flows stayed undefined: from the kill to the last recovery's outcome
        long recoveredWithinMillis = rows.runs.values().stream().filter(run -> run.claimedBy() != null)
                .mapToLong(run -> Duration.between(killedAt, run.finishedAt()).toMillis()).max().orElse(-1);
        report(flows, k6Run, killed, restarting, restarted, recoveredWithinMillis, recovered.size(), rows,
                exportedUpToMillis);
    }

    /** A full flow sent to the first orchestrator itself; its status, or -1 when the connection was lost. */
    private static CompletableFuture<Integer> fullFlowOnTheFirstOrchestrator(Traceparent caller) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return RestAssured.given().baseUri(first.url("orchestrator")).header("traceparent", caller.header())
                        .get("/demo/full-flow/3").statusCode();
            } catch (Exception connectionLost) { // RestAssured rethrows checked ones (ConnectException) undeclared
                return -1;
            }
        });
    }

    /** Slows the surviving payments instances (0: back to normal) through their /admin/faults. */
    private static void paymentsLatency(int millis) {
        for (ServiceProcesses set : List.of(first, second)) {
            if (!set.isAlive("payments")) {
                continue;
            }
            var admin = RestAssured.given().baseUri(set.url("payments")).header("Authorization", "Bearer " + TOKEN);
            if (millis == 0) {
                admin.delete("/admin/faults/LATENCY").then().statusCode(200);
            } else {
                admin.contentType("application/json").body("{\"enabled\":true,\"latency_ms\":" + millis + "}")
                        .put("/admin/faults/LATENCY").then().statusCode(200);
            }
        }
    }

    private static List<String> answeredFlowsMatchTheRows(List<Flow> flows, Rows rows) {
        List<String> problems = new ArrayList<>();
        Map<String, Run> byTrace = rows.runs.values().stream().filter(run -> run.traceId() != null)
                .collect(Collectors.toMap(Run::traceId, run -> run, (a, b) -> a));
        Set<Long> answeredOrders = new HashSet<>();
        for (Flow flow : flows.stream().filter(f -> f.status() == 200).toList()) {
            if (!answeredOrders.add(flow.orderId())) {
                problems.add("order " + flow.orderId() + " answered to two flows");
            }
            String status = rows.orderStatus.get(flow.orderId());
            if (!flow.orderStatus().equals(status)) {
                problems.add("answered order " + flow.orderId() + " " + flow.orderStatus() + ", stored " + status);
            }
            if (flow.paymentId() > 0 && !Long.valueOf(flow.orderId()).equals(rows.paymentOrder.get(flow.paymentId()))) {
                problems.add("answered payment " + flow.paymentId() + " of order " + flow.orderId() + ", stored for order "
                        + rows.paymentOrder.get(flow.paymentId()));
            }
            Run run = byTrace.get(flow.traceId());
            if (run == null || run.orderId() == null || run.orderId() != flow.orderId()) {
                problems.add("answered flow " + flow.traceId() + " (order " + flow.orderId() + ") has run " + run);
            }
        }
        return problems;
    }

    /**
     * No order of two runs, no order with two payments, a COMPLETED run's order delivered with its payment authorized,
     * any other run's order not delivered, and no authorized payment for an order that was not delivered.
     */
    private static List<String> everyRunEndedDefined(Rows rows) {
        List<String> problems = new ArrayList<>();
        Map<Long, Long> runsPerOrder = rows.runs.values().stream().filter(run -> run.orderId() != null)
                .collect(Collectors.groupingBy(Run::orderId, Collectors.counting()));
        runsPerOrder.forEach((order, runs) -> {
            if (runs > 1) {
                problems.add("order " + order + " made by " + runs + " runs");
            }
        });
        Map<Long, Long> paymentsPerOrder = rows.paymentOrder.values().stream()
                .collect(Collectors.groupingBy(order -> order, Collectors.counting()));
        paymentsPerOrder.forEach((order, payments) -> {
            if (payments > 1) {
                problems.add("order " + order + " has " + payments + " payments");
            }
        });
        for (Run run : rows.runs.values()) {
            if (run.orderId() == null) {
                continue;
            }
            boolean delivered = DELIVERED.contains(rows.orderStatus.get(run.orderId()));
            if (run.outcome().equals("COMPLETED") != delivered) {
                problems.add("run " + run + " with order " + rows.orderStatus.get(run.orderId()));
            }
        }
        rows.paymentStatus.forEach((payment, status) -> {
            long order = rows.paymentOrder.get(payment);
            if (status.equals("AUTHORIZED") != DELIVERED.contains(rows.orderStatus.get(order))) {
                problems.add("payment " + payment + " " + status + " of order " + order + " " + rows.orderStatus.get(order));
            }
        });
        return problems;
    }

    /** A flow run as the orchestrators' shared table has it; {@code claimedBy} is set when recovery claimed it. */
    private record Run(long id, String traceId, Long orderId, String outcome, String claimedBy, Instant finishedAt) {
    }

    /** The rows of the three databases the flows wrote, read once every run has ended. */
    private record Rows(Map<Long, Run> runs, Map<Long, String> orderStatus, Map<Long, Long> paymentOrder,
                        Map<Long, String> paymentStatus) {

        static Rows read() throws SQLException {
            Map<Long, Run> runs = new TreeMap<>();
            Map<Long, String> orderStatus = new HashMap<>();
            Map<Long, Long> paymentOrder = new HashMap<>();
            Map<Long, String> paymentStatus = new HashMap<>();
            query("orchestrator", "SELECT id, trace_id, order_id, outcome, recovery_claimed_by, finished_at"
                    + " FROM flow_runs", row -> {
                long order = row.getLong("order_id");
                Long orderId = row.wasNull() ? null : order;
                Timestamp finished = row.getTimestamp("finished_at");
                runs.put(row.getLong("id"), new Run(row.getLong("id"), row.getString("trace_id"), orderId,
                        row.getString("outcome"), row.getString("recovery_claimed_by"),
                        finished == null ? null : finished.toInstant()));
            });
            query("orders", "SELECT id, status FROM orders", row -> orderStatus.put(row.getLong(1), row.getString(2)));
            query("payments", "SELECT id, order_id, status FROM payments", row -> {
                paymentOrder.put(row.getLong(1), row.getLong(2));
                paymentStatus.put(row.getLong(1), row.getString(3));
            });
            return new Rows(runs, orderStatus, paymentOrder, paymentStatus);
        }

        /** Runs per outcome, orders per status, payments per status, and orders no run knows (left to the sweeper). */
        String summary() {
            Set<Long> known = runs.values().stream().map(Run::orderId).collect(Collectors.toSet());
            return "runs " + countBy(runs.values().stream().map(Run::outcome).toList())
                    + ", orders " + countBy(List.copyOf(orderStatus.values()))
                    + ", payments " + countBy(List.copyOf(paymentStatus.values()))
                    + ", orders without a run " + orderStatus.keySet().stream().filter(id -> !known.contains(id)).count();
        }

        private static Map<String, Long> countBy(List<String> values) {
            return new TreeMap<>(values.stream().collect(Collectors.groupingBy(v -> v, Collectors.counting())));
        }
    }

    @FunctionalInterface
    private interface RowReader {
        void read(ResultSet row) throws SQLException;
    }

    private static void query(String service, String sql, RowReader reader) throws SQLException {
        try (Connection connection = databases.connect(service); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(sql)) {
            while (row.next()) {
                reader.read(row);
            }
        }
    }

    private static long count(String service, String sql) throws SQLException {
        long[] count = new long[1];
        query(service, sql, row -> count[0] = row.getLong(1));
        return count[0];
    }

    /**
     * {@code flow.recover} spans per run id in flowlens-spans-* (after a refresh), of this test's runs: the test stack's
     * Elasticsearch may keep spans of earlier runs whose fresh databases counted their run ids from 1 too.
     */
    private static Map<Long, Long> recoverSpansPerRun(Set<Long> runIds) {
        Map<String, Object> query = Map.of("bool", Map.of("filter", List.of(Map.of("term", Map.of("name", "flow.recover")),
                Map.of("terms", Map.of("flowlens.flow.run_id", List.copyOf(runIds))),
                Map.of("range", Map.of("@timestamp", Map.of("gte", testStart.toString()))))));
        Map<Long, Long> counts = new HashMap<>();
        SpanCounts.perValue(system, "flowlens-spans-*", "flowlens.flow.run_id", query, 10_000)
                .forEach((run, spans) -> counts.put(Long.parseLong(run), spans));
        return counts;
    }

    /**
     * When the latest span that {@code instanceId} began before {@code before} began, as flowlens-spans-* has it (after
     * a refresh; the recovery waits above gave the pipeline tens of seconds). The test's own spans are there at least.
     */
    private static Instant latestSpanStartBefore(String instanceId, Instant before) {
        RestAssured.given().baseUri(system.elasticsearch()).post("/flowlens-spans-*/_refresh?allow_no_indices=true");
        Map<String, Object> query = Map.of("bool", Map.of("filter", List.of(
                Map.of("term", Map.of("resource.service.instance.id", instanceId)),
                Map.of("range", Map.of("@timestamp", Map.of("gte", testStart.toString(), "lt", before.toString()))))));
        JsonPath answer = RestAssured.given().baseUri(system.elasticsearch()).contentType("application/json")
                .body(Map.of("size", 0, "query", query, "aggs", Map.of("latest", Map.of("max", Map.of("field", "@timestamp")))))
                .post("/flowlens-spans-*/_search?allow_no_indices=true").then().statusCode(200).extract().jsonPath();
        // as text: JsonPath reads the numeric value as a float, whose steps at today's epoch millis are 131 s wide
        String latest = answer.getString("aggregations.latest.value_as_string");
        assertThat("spans of " + instanceId + " before the kill in flowlens-spans-*", latest != null, is(true));
        return Instant.parse(latest);
    }

    private static Map<String, Long> millisFrom(Instant start, Map<String, Instant> times) {
        Map<String, Long> millis = new TreeMap<>();
        times.forEach((key, time) -> millis.put(key, Duration.between(start, time).toMillis()));
        return millis;
    }

    /** Why Jaeger does not hold the trace whole (its spans, or its error), or empty when it does. */
    private static Optional<String> notWholeInJaeger(String traceId) {
        try {
            system.jaeger().awaitTrace(traceId, spans -> FullFlowSystemIT.servicesOf(spans).size() == 4,
                    Duration.ofSeconds(10));
            return Optional.empty();
        } catch (AssertionError | RuntimeException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
    }

    /**
     * Every count of spans given up between the surviving services and Jaeger's storage, for a trace found not whole:
     * the survivors' own drops (a full queue, a failed export), Jaeger's storage exporter, and what its Elasticsearch
     * writer gave up after its retries: items Elasticsearch refused (counted as errors) and whole bulk requests that
     * failed (Jaeger 2.13 counts their spans as inserted, errors 0; only the failed requests' latency count has them).
     */
    private static String spansGivenUp() {
        Map<String, Long> survivors = new TreeMap<>();
        for (String service : ServiceProcesses.SERVICES) {
            survivors.put(service, PrometheusMetrics.value(second.url(service) + "/metrics",
                    "flowlens_telemetry_spans_dropped", ""));
        }
        // Jaeger's counts are since its start: the other classes of the side lane sent it traces before this one
        return "spans dropped by the survivors " + survivors + "; since Jaeger started, by its storage exporter "
                + (PrometheusMetrics.jaegerToStorage(system, "otelcol_exporter_send_failed_spans_total")
                + PrometheusMetrics.jaegerToStorage(system, "otelcol_exporter_enqueue_failed_spans_total"))
                + ", bulk items Jaeger's Elasticsearch writer failed "
                + PrometheusMetrics.valueOr(system.jaegerMetrics(), "jaeger_storage_bulk_index_errors_total", "", 0L)
                + " and whole bulk requests " + PrometheusMetrics.valueOr(system.jaegerMetrics(),
                        "jaeger_storage_bulk_index_latency_err_seconds_count", "", 0L);
    }

    /** The trace's spans per service in flowlens-spans-* (after a refresh): the indexer's copy of what Jaeger got. */
    private static Map<String, Long> indexedSpansPerService(String traceId) {
        return SpanCounts.perValue(system, "flowlens-spans-*", "service", Map.of("term", Map.of("trace_id", traceId)),
                10);
    }

    /** What k6 sent and how many of its requests failed (any answer but 200, or none). */
    private record K6Run(long requests, long failed) {
    }

    /** perf/k6/bench.js as a third client: 4 full flows a second through the balancer until {@link #stopK6}. */
    private static Process k6Traffic(Path summary) throws IOException {
        Path binary = system.root().resolve(".stack/bin/k6");
        assertThat("k6 is installed by bin/stack.sh install at " + binary, Files.isExecutable(binary), is(true));
        Files.deleteIfExists(summary);
        return new ProcessBuilder(List.of(binary.toString(), "run", "--quiet", "--no-usage-report",
                "-e", "TARGET=flow", "-e", "MODE=rate", "-e", "RATE=4", "-e", "DURATION=15m",
                "-e", "BASE_URL=" + balancer.url("orchestrator"), "-e", "SUMMARY_JSON=" + summary,
                system.root().resolve("perf/k6/bench.js").toString()))
                .redirectErrorStream(true)
                .redirectOutput(system.root().resolve("system-tests/target/failover-k6-output.txt").toFile())
                .start();
    }

    /** Stops k6 as Ctrl+C would (SIGINT): it ends the test early and still writes its summary. */
    private static K6Run stopK6(Process process, Path summary) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
        boolean stopped = process.waitFor(60, TimeUnit.SECONDS);
        if (!stopped) {
            process.destroyForcibly();
        }
        assertThat("k6 stopped within 60 s of SIGINT", stopped, is(true));
        JsonPath metrics = JsonPath.from(summary.toFile());
        return new K6Run(metrics.getLong("metrics.http_reqs.values.count"),
                metrics.getLong("metrics.http_req_failed.values.passes"));
    }

    private static long seconds(long seconds) {
        return Duration.ofSeconds(seconds).toNanos();
    }

    private static void report(List<Flow> flows, K6Run k6Run, long killed, long restarting, long restarted, long recoveredWithinMillis,
                               int recovered, Rows rows, Map<String, Long> exportedUpTo) throws Exception {
        List<Flow> failover = flows.stream().filter(f -> f.answeredAtNanos() > killed && f.answeredAtNanos() < restarting)
                .toList();
        List<Flow> failedInFailover = failover.stream().filter(f -> f.status() != 200).toList();
        // recovery-ms: from the kill to the last failed answer before the restart (0: the failover cost no answer)
        long lastErrorMillis = failedInFailover.stream().mapToLong(f -> (f.answeredAtNanos() - killed) / 1_000_000)
                .max().orElse(0);
        long afterRestartErrors = flows.stream().filter(f -> f.answeredAtNanos() >= restarting && f.status() != 200).count();
        String line = String.format("failover=two-instances-kill-one-of-each requests=%d by-status=%s"
                        + " failover-window-requests=%d failover-errors=%d errors-by-status=%s recovery-ms=%d"
                        + " restart-ms=%d errors-after-restart=%d runs-recovered=%d runs-recovered-within-ms-of-kill=%d"
                        + " k6-requests=%d k6-failed=%d lost=0 duplicated=0 killed-exported-up-to-ms=%s [%s]%n",
                flows.size(), Flow.summary(flows), failover.size(), failedInFailover.size(), Flow.summary(failedInFailover),
                lastErrorMillis, (restarted - restarting) / 1_000_000, afterRestartErrors, recovered,
                recoveredWithinMillis, k6Run.requests(), k6Run.failed(), exportedUpTo, rows.summary());
        System.out.print(line);
        Files.writeString(system.root().resolve("system-tests/target/failover.txt"), line,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
