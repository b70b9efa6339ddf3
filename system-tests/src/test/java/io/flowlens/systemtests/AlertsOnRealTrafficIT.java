package io.flowlens.systemtests;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.restassured.RestAssured;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/**
 * The built-in alert rules against spans the real services wrote. A healthy set of the four services under steady
 * traffic, two flows in three of them with a declined payment, makes no rule fire: a decline is an outcome, not an
 * error, so it does not count in the error rate. When the traffic stops, service-down and traffic-anomaly fire; the
 * same services started with injected faults (errors and 2.2 s of latency, from config) make error-rate and slow-spans
 * fire. Each set writes to its own index prefix, so the other tests' traffic does not count. Windows of 3 s
 * (`--window` applies to every rule; longer on a machine where a flow takes longer) keep the test short; the rules are
 * the shipped ones.
 */
@ResourceLock(Lanes.SIDE)
class AlertsOnRealTrafficIT {

    private static final Duration SEARCHABLE = Duration.ofSeconds(30);
    private static final int TIMED_FLOWS = 3;
    /** The steady traffic's pace: 5 flows a second, 30 requests, well below what a set serves here. */
    private static final Duration PACE = Duration.ofMillis(200);
    private static final List<String> SERVICES = List.of("orchestrator", "users", "orders", "payments");
    /**
     * The flows sent to the faulty set. error-rate judges only a service with at least 20 spans, and how many spans a
     * flow leaves is chance: three in ten end at the orchestrator's own injected error with a single span, the others
     * go only as far as the first injected error downstream (a 500 is not retried). Six flows left the orchestrator 21
     * spans in a green run and fewer than 20 in a failed one (a fresh clone, 2026-12-05), so nothing fired; eighteen
     * left it 76, and orders and users over 30 each. All are sent at once, so the faulty traffic lasts as long as its
     * slowest flow: 14–19 s when one gets through all six hops (6 x 2.2 s), against ~9 s with six flows.
     */
    private static final int FAULTY_FLOWS = 18;
    /**
     * How long the test waits for a faulty flow's answer: a little more than the longest those flows' timeouts allow
     * (6 calls x (4 x 8 s + 3 x 0.7 s) = 204.6 s). It was 90 s, so a flow slowed past that on a loaded box would have
     * failed the test, though the spans are all the rules judge.
     */
    private static final Duration FAULTY_FLOW_WAIT = Duration.ofSeconds(210);
    private static final Pattern WORST = Pattern.compile(".*, worst ([0-9.]+) ms$");

    @Test
    void healthyTrafficWithDeclinesFiresNothingAndInjectedFaultsFireErrorRateAndSlowSpans() {
        SystemUnderTest system = SystemUnderTest.side();

        String quietPrefix = "alerts-quiet-" + UUID.randomUUID().toString().substring(0, 8);
        try (ServiceProcesses quiet = services(system, quietPrefix, Map.of(), "alerts-quiet")) {
            long slowestNanos = 0;
            long warmNanos = 0;
            for (int i = 0; i < 5; i++) {
                flow(quiet, i); // warm-up: a cold JVM's first requests may be slow; they start before every window
            }
            for (int i = 5; i < 5 + TIMED_FLOWS; i++) {
                int flow = i;
                long took = timed(() -> flow(quiet, flow)); // warm: what a flow takes here
                slowestNanos = Math.max(slowestNanos, took);
                warmNanos += took;
            }
            // Paced traffic: a flow every PACE (or every warm flow's time and a half, if that is longer), not one after
            // the other. Back to back, the rate followed this machine's load: beside the other lane's classes it fell
            // to a third within one 3 s window, and traffic-anomaly fired on healthy traffic (72 requests against a
            // baseline of 226). Paced, a flow can take up to the period before the rate drops, and a late one is
            // caught up on.
            long periodNanos = Math.max(PACE.toNanos(), (long) (1.5 * warmNanos / TIMED_FLOWS));
            // A window must hold a whole flow, or one with the users call near its start and the rest near its end
            // leaves the users service without spans in the last window; and twice the requests the traffic-anomaly
            // rule needs in a window before it judges (min-baseline 30 SERVER spans, 6 per flow). 3 s unless this
            // machine is slower than that (a loaded CI box): then the windows grow and the traffic with them, and
            // the rules are the same.
            long windowSeconds = Math.max(3, Math.max(2 * Duration.ofNanos(slowestNanos).toSeconds() + 1,
                    (long) Math.ceil(2 * 30 / 6.0 * periodNanos / 1e9)));
            String window = windowSeconds + "s";
            // The judged windows are fixed instants, so how long a check takes to run (a JVM each, slow on a loaded
            // box) cannot move them: steady traffic for the baseline (6 windows) and the judged window, 7 windows and
            // some to spare, up to a whole second, the last flow started so that it ends before it (by the slowest
            // warm flow's time); the silent window comes a window later, its baseline the steady traffic before it.
            Instant plannedEnd = Instant.now().plusSeconds(8 * windowSeconds).truncatedTo(ChronoUnit.SECONDS);
            long endNanos = System.nanoTime() + Duration.between(Instant.now(), plannedEnd).toNanos();
            long next = System.nanoTime();
            int flows = 8;
            while (Math.max(next, System.nanoTime()) + slowestNanos < endNanos) {
                LockSupport.parkNanos(next - System.nanoTime());
                flow(quiet, flows++);
                next += periodNanos;
            }
            // a last flow slower than every warm one ended past the planned end: the windows move to the next second
            Instant trafficEnd = Instant.now().isBefore(plannedEnd) ? plannedEnd
                    : Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
            String until = trafficEnd.toString();
            CliRun steady = Awaitility.await().atMost(SEARCHABLE).pollInterval(Duration.ofMillis(500))
                    .until(() -> check(system, quietPrefix, window, "--until", until), run -> run.status() == 0);
            assertThat(steady.out(), not(containsString("FIRING")));
            assertThat("the error-rate rule judged the services, declines and all",
                    steady.row("STATE", "ok", "error-rate").get(2), startsWith("highest "));
            CliRun declines = CliRun.of("query", "flowlens.payment.status: DECLINED AND error: false", "--es",
                    system.elasticsearch(), "--index-prefix", quietPrefix, "--window", window, "--until", until);
            assertThat("declined payments, none of them an error span, in the judged window", firstNumber(declines),
                    is(greaterThan(0L)));

            // no traffic any more: once a whole window is silent (and what it would hold is searchable), both rules
            // that watch traffic fire
            Instant silentEnd = trafficEnd.plusSeconds(windowSeconds);
            Awaitility.await().atMost(Duration.ofSeconds(windowSeconds + 5)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Instant.now().isAfter(silentEnd.plusSeconds(2)));
            CliRun silent = Awaitility.await().atMost(SEARCHABLE).pollInterval(Duration.ofMillis(500))
                    .until(() -> check(system, quietPrefix, window, "--until", silentEnd.toString()),
                            run -> run.out().contains("FIRING  traffic-anomaly") && SERVICES.stream().allMatch(
                                    service -> run.out().contains(service + ": no spans over " + window)));
            assertThat(silent.out() + silent.err(), silent.status(), is(1));
            String down = silent.row("STATE", "FIRING", "service-down").get(2);
            assertThat(down, down.split("; ").length, is(SERVICES.size()));
            assertThat(silent.row("STATE", "FIRING", "traffic-anomaly").get(2),
                    matchesPattern("0 requests in the last " + window + ", baseline [0-9.]+ \\(median of 6 windows before\\), "
                            + "outside \\[.*\\]"));
        }

        String faultyPrefix = "alerts-faulty-" + UUID.randomUUID().toString().substring(0, 8);
        // 2.2 s on every hop puts orders' answer (its own 2.2 s and users' 2.2 s) past the orchestrator's 3 s timeout,
        // and a flow got through only by its retries finding the first attempt's stored answer; on a busy box (the
        // other lane's classes beside this one) every attempt timed out and no flow reached payments. 8 s per attempt
        // and per read lets no flow time out, so a flow ends only where an injected error ends it; the recovery delay
        // must outlast the longest flow those timeouts allow (6 calls x (4 x 8 s + 3 x 0.7 s) = 204.6 s).
        Map<String, String> faults = Map.of(
                "FLOWLENS_FAULT_ERRORS_ENABLED", "true", "FLOWLENS_FAULT_ERRORS_RATE", "0.3",
                "FLOWLENS_FAULT_LATENCY_ENABLED", "true", "FLOWLENS_FAULT_LATENCY_LATENCY_MS", "2200",
                "IO_FLOWLENS_ORCHESTRATOR_DOWNSTREAMSERVICES_TIMEOUT_VALUE", "8000",
                "FLOWLENS_FLOW_RECOVERY_AFTER", "PT4M", "USERS_MP_REST_READTIMEOUT", "8000",
                "ORDERS_MP_REST_READTIMEOUT", "8000", "PAYMENTS_MP_REST_READTIMEOUT", "8000");
        try (ServiceProcesses faulty = services(system, faultyPrefix, faults, "alerts-faulty")) {
            long started = System.nanoTime();
            // all at once: with 2.2 s injected on every hop a flow takes seconds, and one after the other they were
            // ~30 s of this test; the rules judge the spans, not the order the flows ran in
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<CompletableFuture<HttpResponse<Void>>> sent = new ArrayList<>();
            for (int i = 0; i < FAULTY_FLOWS; i++) {
                URI flow = URI.create(faulty.url("orchestrator") + "/demo/full-flow/" + (1 + i % 3) + "?amount=10.00");
                sent.add(client.sendAsync(HttpRequest.newBuilder(flow).timeout(FAULTY_FLOW_WAIT).build(),
                        HttpResponse.BodyHandlers.discarding()));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
            // one window over the whole faulty traffic (a flow takes seconds here), polled until it is searchable
            CliRun check = Awaitility.await().atMost(SEARCHABLE).pollInterval(Duration.ofMillis(500))
                    .until(() -> check(system, faultyPrefix,
                                    Duration.ofNanos(System.nanoTime() - started).toSeconds() + 2 + "s"),
                            run -> run.out().contains("FIRING  error-rate") && run.out().contains("FIRING  slow-spans"));
            assertThat(check.out() + check.err(), check.status(), is(1));
            assertThat(check.row("STATE", "FIRING", "error-rate").get(2),
                    matchesPattern("(\\w+ [0-9.]+ % errors \\([0-9]+ of [0-9]+ spans\\)(, )?)+ > 5 % over [0-9]+s"));
            String slow = check.row("STATE", "FIRING", "slow-spans").get(2);
            Matcher worst = WORST.matcher(slow);
            assertThat(slow, worst.matches(), is(true));
            assertThat("the worst span carries the injected 2.2 s", Double.parseDouble(worst.group(1)),
                    is(greaterThanOrEqualTo(2200.0)));
        }
    }

    private static ServiceProcesses services(SystemUnderTest system, String prefix, Map<String, String> extra,
                                             String label) {
        Map<String, String> env = new HashMap<>(extra);
        // the scheduled jobs (orders' pending-order sweeper, the orchestrator's flow recovery, every service's
        // idempotency-key sweeper, first a minute after start) write spans of their own; one in the silent window
        // would keep its service from being down there (a fresh-clone run saw orders' idempotency.sweep there). They
        // are not what this test judges, so their first run comes after it.
        env.put("IO_FLOWLENS_ORDERS_PENDINGORDERSWEEPER_SWEEP_SCHEDULE_INITIAL_DELAY", "3600");
        env.put("IO_FLOWLENS_ORCHESTRATOR_FLOWRECOVERY_ROUND_SCHEDULE_INITIAL_DELAY", "3600");
        env.put("IO_FLOWLENS_PLATFORM_IDEMPOTENCY_IDEMPOTENCYKEYSWEEPER_SWEEP_SCHEDULE_INITIAL_DELAY", "3600");
        // The supported in-process path (the exporter found by the OTel SPI, beside OTLP): it gives each run an index
        // prefix of its own, which the alert windows need; the path through Jaeger and the indexer has one prefix.
        env.put("OTEL_TRACES_EXPORTER", "otlp,elasticsearch");
        env.put("OTEL_EXPORTER_ELASTICSEARCH_ENDPOINT", system.elasticsearch());
        env.put("OTEL_EXPORTER_ELASTICSEARCH_INDEX_PREFIX", prefix);
        return ServiceProcesses.start(system.root(), system.otlp(), env, label);
    }

    private static long timed(Runnable action) {
        long start = System.nanoTime();
        action.run();
        return System.nanoTime() - start;
    }

    /** One full flow; two in three ask for more than the payment limit and are declined, an ordinary answer. */
    private static void flow(ServiceProcesses services, int i) {
        boolean decline = i % 3 != 0;
        RestAssured.given().baseUri(services.url("orchestrator")).queryParam("amount", decline ? "2500.00" : "10.00")
                .get("/demo/full-flow/" + (1 + i % 3))
                .then().statusCode(200).body("outcome", is(decline ? "PAYMENT_DECLINED" : "COMPLETED"));
    }

    /** The shipped rules over windows of {@code window}, ending now unless the extra arguments say otherwise. */
    private static CliRun check(SystemUnderTest system, String prefix, String window, String... extra) {
        List<String> args = new ArrayList<>(List.of("alerts", "check", "--es", system.elasticsearch(),
                "--index-prefix", prefix, "--window", window));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static long firstNumber(CliRun run) {
        return Long.parseLong(run.out().strip().split("\\s+", 2)[0]);
    }
}
