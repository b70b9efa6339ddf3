package io.flowlens.systemtests;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.restassured.RestAssured;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.both;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

/**
 * The {@code flowlens} CLI in-process against the real Elasticsearch of the system under test: a generated fixture
 * of span documents under a test-only prefix, and every printed number compared with what this test computes from
 * the fixture itself.
 */
@ResourceLock(Lanes.MAIN)
class AnalyticsIT {

    private static final String PREFIX = "analytics-fixture-spans";
    private static final Duration WINDOW = Duration.ofMinutes(15);
    /** A whole minute, so the volume buckets line up with the window; fixed once, for every test of the class. */
    @SuppressWarnings("TimeInStaticInitializer") // the fixture's clock: every test reads the same window
    private static final Instant UNTIL = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    private static final Instant FROM = UNTIL.minus(WINDOW);

    /** Orders (service, name) or (caller, callee) keys as the CLI sorts its rows. */
    private static final Comparator<List<String>> PAIRS = Comparator.comparing((List<String> k) -> k.get(0))
            .thenComparing(k -> k.get(1));

    private static SystemUnderTest system;
    /** The rules files the CLI reads, removed with the class (they were left behind in /tmp). */
    @TempDir
    static Path scratch;
    private static FixtureIndex index;
    private static List<FixtureSpan> fixture;
    private static List<FixtureSpan> inWindow;

    @BeforeAll
    static void indexFixture() {
        system = SystemUnderTest.get();
        index = new FixtureIndex(system.elasticsearch());
        SpanFixture generator = new SpanFixture(20250301L);
        for (int i = 0; i < 40; i++) {
            SpanFixture.Outcome outcome = i % 4 == 3 ? SpanFixture.Outcome.DECLINED
                    : i % 10 == 6 ? SpanFixture.Outcome.USER_FAILS
                    : i % 13 == 5 ? SpanFixture.Outcome.PAYMENTS_UNREACHABLE : SpanFixture.Outcome.COMPLETED;
            // every third flow arrives with a caller's traceparent, as k6's requests do
            generator.fullFlow(FROM.plusSeconds(60 + 20L * i), outcome, i % 3 == 1);
        }
        for (int j = 0; j < 12; j++) {
            generator.signUp(FROM.plusSeconds(120 + 61L * j).plusMillis(500), j % 5 == 4);
        }
        // outside the window: before it, and exactly at its (exclusive) end
        for (int k = 0; k < 5; k++) {
            generator.fullFlow(FROM.minus(Duration.ofMinutes(15)).plusSeconds(30L * k), SpanFixture.Outcome.DECLINED);
            generator.signUp(FROM.minus(Duration.ofMinutes(10)).plusSeconds(30L * k), false);
        }
        generator.fullFlow(UNTIL, SpanFixture.Outcome.COMPLETED);
        generator.acrossTheEnd(UNTIL);
        giveLatencyGroupsKnownPercentiles(generator);
        fixture = List.copyOf(generator.spans());
        inWindow = fixture.stream().filter(s -> !s.start().isBefore(FROM) && s.start().isBefore(UNTIL)).toList();
        assertThat("start times are distinct, so 'newest' has one answer",
                fixture.stream().map(FixtureSpan::start).distinct().count(), is((long) fixture.size()));

        index.reset(PREFIX);
        index.index(PREFIX, fixture);
    }

    @AfterAll
    static void close() throws Exception {
        if (index != null) {
            index.close();
        }
    }

    @Test
    void queryCountsAndListsTheNewestMatchingSpans() {
        Map<String, Predicate<FixtureSpan>> queries = new LinkedHashMap<>();
        queries.put("service: \"orders\"", s -> s.service().equals("orders"));
        queries.put("error: true", FixtureSpan::error);
        queries.put("duration_ms: >1000", s -> s.durationMs() > 1000);
        queries.put("method: \"POST\"", s -> "POST".equals(s.method()));
        queries.put("status_code: 500", s -> Objects.equals(s.statusCode(), 500));
        queries.put("method: \"POST\" AND duration_ms: >500 AND error: true",
                s -> "POST".equals(s.method()) && s.durationMs() > 500 && s.error());
        for (Map.Entry<String, Predicate<FixtureSpan>> query : queries.entrySet()) {
            List<FixtureSpan> expected = fixture.stream().filter(query.getValue())
                    .sorted(Comparator.comparing(FixtureSpan::start).reversed()).toList();
            assertThat(query.getKey() + " matches spans of the fixture", expected.isEmpty(), is(false));
            CliRun run = cli("query", query.getKey(), "--limit", "5");
            assertThat(run.err(), run.status(), is(0));
            assertThat(query.getKey(), firstNumber(run.out()), is((long) expected.size()));
            List<List<String>> rows = run.table("TIME");
            assertThat(query.getKey(), rows.size(), is(Math.min(5, expected.size())));
            for (int i = 0; i < rows.size(); i++) {
                FixtureSpan span = expected.get(i);
                assertThat(rows.get(i), is(List.of(span.start().toString(), span.service(), span.name(),
                        millis(span.durationMs()), span.statusCode() == null ? "-" : span.statusCode().toString(),
                        span.traceId())));
            }
        }
        CliRun windowed = cli("query", "error: true", "--window", "15m", "--until", UNTIL.toString());
        assertThat(firstNumber(windowed.out()), is(inWindow.stream().filter(FixtureSpan::error).count()));
    }

    @Test
    void theShippedScriptPrintsWhatTheCliAnswersAndNothingElse() throws Exception {
        String[] args = {"query", "service: \"orders\"", "--limit", "5", "--es", system.elasticsearch(),
                "--index-prefix", PREFIX};
        Path stderr = scratch.resolve("flowlens.err");
        List<String> command = new ArrayList<>(List.of(SystemUnderTest.repositoryRoot().resolve("bin/flowlens").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat("bin/flowlens finished", process.waitFor(60, TimeUnit.SECONDS), is(true));
        String err = Files.readString(stderr);
        assertThat(err, process.exitValue(), is(0));
        // nothing on stderr: no library's logging set-up warnings (SLF4J's "No providers were found") around the answer
        assertThat(err, is(""));
        assertThat(out, is(CliRun.of(args).out()));
    }

    @Test
    void queryWithBrokenSyntaxIsAUsageError() {
        CliRun run = cli("query", "service: (");
        assertThat(run.status(), is(2));
        assertThat(run.err(), run.err().contains("cannot run the query"), is(true));
    }

    @Test
    void errorRatePerService() {
        CliRun run = analytics("errors");
        Map<String, List<FixtureSpan>> byService = inWindow.stream().collect(Collectors.groupingBy(FixtureSpan::service));
        assertThat(run.table("SERVICE").size(), is(byService.size() + 1));
        byService.forEach((service, spans) -> {
            long errors = spans.stream().filter(FixtureSpan::error).count();
            assertThat(run.row("SERVICE", service), is(List.of(service, String.valueOf(spans.size()),
                    String.valueOf(errors), percent(errors, spans.size()))));
        });
        long errors = inWindow.stream().filter(FixtureSpan::error).count();
        assertThat(run.row("SERVICE", "(all)"), is(List.of("(all)", String.valueOf(inWindow.size()),
                String.valueOf(errors), percent(errors, inWindow.size()))));
    }

    @Test
    void latencyPercentilesOfServerSpans() {
        CliRun run = analytics("latency");
        Map<List<String>, List<Double>> groups = serverGroups();
        assertThat(run.table("SERVICE").size(), is(groups.size()));
        groups.forEach((group, durations) -> assertThat(run.row("SERVICE", group.get(0), group.get(1)),
                is(List.of(group.get(0), group.get(1), String.valueOf(durations.size()),
                        millis(percentile(durations, 0.50)), millis(percentile(durations, 0.95)),
                        millis(percentile(durations, 0.99))))));
    }

    @Test
    void volumePerMinute() {
        CliRun run = analytics("volume", "--interval", "1m");
        List<List<String>> rows = run.table("TIME");
        assertThat(rows.size(), is(16));
        for (int minute = 0; minute < 15; minute++) {
            Instant bucket = FROM.plus(Duration.ofMinutes(minute));
            List<FixtureSpan> spans = inWindow.stream()
                    .filter(s -> s.start().truncatedTo(ChronoUnit.MINUTES).equals(bucket)).toList();
            assertThat(rows.get(minute), is(List.of(bucket.toString(), String.valueOf(spans.size()),
                    String.valueOf(spans.stream().filter(s -> s.kind().equals("SERVER")).count()),
                    String.valueOf(spans.stream().filter(FixtureSpan::error).count()))));
        }
        assertThat(rows.get(15).get(1), is(String.valueOf(inWindow.size())));
    }

    @Test
    void slowestTracesByEntrySpanDuration() {
        CliRun run = analytics("slowest", "--limit", "7");
        List<FixtureSpan> entries = fixture.stream().collect(Collectors.groupingBy(FixtureSpan::traceId)).values().stream()
                .map(AnalyticsIT::entrySpan)
                .filter(s -> !s.start().isBefore(FROM) && s.start().isBefore(UNTIL))
                .sorted(Comparator.comparingDouble(FixtureSpan::durationMs).reversed()
                        .thenComparing(FixtureSpan::traceId))
                .limit(7).toList();
        // the regression: entries with a remote parent (a caller's traceparent) must be among the slowest
        assertThat(entries.stream().anyMatch(s -> s.parentSpanId() != null), is(true));
        assertThat(entries.stream().anyMatch(s -> s.parentSpanId() == null), is(true));
        List<List<String>> rows = run.table("TRACE_ID");
        assertThat(rows.size(), is(7));
        for (int i = 0; i < 7; i++) {
            FixtureSpan entry = entries.get(i);
            List<FixtureSpan> trace = fixture.stream().filter(s -> s.traceId().equals(entry.traceId())).toList();
            assertThat(rows.get(i), is(List.of(entry.traceId(), entry.start().toString(), entry.service(), entry.name(),
                    millis(entry.durationMs()), String.valueOf(trace.size()),
                    String.valueOf(trace.stream().filter(FixtureSpan::error).count()))));
        }
    }

    /** The span of a trace whose parent is not in the trace (none, or a caller's): exactly one per fixture trace. */
    private static FixtureSpan entrySpan(List<FixtureSpan> trace) {
        List<String> ids = trace.stream().map(FixtureSpan::spanId).toList();
        List<FixtureSpan> entries = trace.stream()
                .filter(s -> s.parentSpanId() == null || !ids.contains(s.parentSpanId())).toList();
        assertThat(trace.get(0).traceId(), entries.size(), is(1));
        return entries.get(0);
    }

    @Test
    void dependenciesFromClientServerLinks() {
        CliRun run = analytics("dependencies");
        assertThat(run.out(), not(containsString("estimated")));
        Map<List<String>, long[]> expected = edges(traceId -> true);
        // the fixture has each kind of edge: service to service, to a database, unanswered, and across the end
        assertThat(expected.keySet().containsAll(List.of(List.of("orders", "users"), List.of("users", "db:h2"),
                List.of("orchestrator", "(no server span)"))), is(true));
        assertThat(run.table("CALLER").size(), is(expected.size()));
        expected.forEach((edge, count) -> assertThat(run.row("CALLER", edge.get(0), edge.get(1)),
                is(List.of(edge.get(0), edge.get(1), String.valueOf(count[0]), String.valueOf(count[1]),
                        percent(count[1], count[0])))));
    }

    /**
     * A window with more CLIENT and SERVER spans than {@code --max-spans} (a busy hour) is measured on the whole
     * traces whose id starts below a bound, the counts scaled up by the share; it used to fail, and the console's
     * map with it.
     */
    @Test
    void dependenciesOfAWindowBeyondMaxSpansAreEstimatedFromWholeTraces() {
        long clientsAndServers = count(s -> s.kind().equals("CLIENT") || s.kind().equals("SERVER"));
        CliRun run = analytics("dependencies", "--max-spans", String.valueOf(clientsAndServers / 2));
        Matcher sample = Pattern.compile("estimated from the traces whose id starts below ([0-9a-f]{4}), ([0-9.]+) %")
                .matcher(run.out());
        assertThat(run.out(), sample.find(), is(true));
        String below = sample.group(1);
        double share = Integer.parseInt(below, 16) / 65536.0;
        assertThat(sample.group(2), is(String.format(Locale.ROOT, "%.2f", 100 * share)));
        assertThat("a sample, and one that fits", share, is(both(greaterThan(0.0)).and(lessThan(0.5))));

        Map<List<String>, long[]> sampled = edges(traceId -> traceId.compareTo(below) < 0);
        assertThat("the sample holds calls", sampled.isEmpty(), is(false));
        assertThat(run.table("CALLER").size(), is(sampled.size()));
        sampled.forEach((edge, count) -> {
            long calls = Math.round(count[0] / share);
            long errors = Math.round(count[1] / share);
            assertThat(run.row("CALLER", edge.get(0), edge.get(1)), is(List.of(edge.get(0), edge.get(1),
                    String.valueOf(calls), String.valueOf(errors), percent(errors, calls))));
        });
    }

    /** Caller → callee: CLIENT spans in the window of the traces {@code traceIds} accepts, and how many erred. */
    private static Map<List<String>, long[]> edges(Predicate<String> traceIds) {
        Map<List<String>, long[]> expected = new TreeMap<>(PAIRS);
        for (FixtureSpan client : inWindow) {
            if (!client.kind().equals("CLIENT") || !traceIds.test(client.traceId())) {
                continue;
            }
            FixtureSpan server = fixture.stream().filter(s -> s.kind().equals("SERVER")
                    && s.traceId().equals(client.traceId()) && client.spanId().equals(s.parentSpanId()))
                    .findFirst().orElse(null);
            String callee = server != null ? server.service()
                    : client.dbSystem() != null ? "db:" + client.dbSystem() : "(no server span)";
            long[] count = expected.computeIfAbsent(List.of(client.service(), callee), k -> new long[2]);
            count[0]++;
            count[1] += client.error() || (server != null && server.error()) ? 1 : 0;
        }
        return expected;
    }

    @Test
    void businessMetrics() {
        CliRun run = analytics("business");
        long signups = count(s -> s.name().equals("users.register") && !s.error());
        long created = count(s -> s.name().equals("orders.create") && !s.error());
        long confirmed = count(s -> s.name().equals("orders.confirm") && !s.error());
        long authorize = count(s -> s.name().equals("payments.authorize"));
        long authorized = count(s -> s.name().equals("payments.authorize") && "AUTHORIZED".equals(s.paymentStatus()));
        assertThat(signups > 0 && confirmed > 0 && authorized < authorize, is(true));
        assertThat(run.row("METRIC", "user sign-ups").get(1), is(String.valueOf(signups)));
        assertThat(run.row("METRIC", "order completion rate %").subList(1, 3), is(List.of(percent(confirmed, created),
                confirmed + " successful orders.confirm / " + created + " successful orders.create")));
        assertThat(run.row("METRIC", "payment success rate %").subList(1, 3), is(List.of(percent(authorized, authorize),
                authorized + " AUTHORIZED / " + authorize + " payments.authorize")));
    }

    @Test
    void unknownReportAndUnknownOptionAreUsageErrors() {
        assertThat(cli("analytics", "nonsense").status(), is(2));
        assertThat(cli("analytics", "errors", "--limit", "3").status(), is(2));
        assertThat(cli("analytics", "errors", "--window", "fortnight").status(), is(2));
    }

    @Test
    void unreachableElasticsearchIsAFailureWithAClearMessage() {
        CliRun run = CliRun.of("analytics", "errors", "--es", "http://127.0.0.1:1");
        assertThat(run.status(), is(1));
        assertThat(run.err(), run.err().contains("cannot reach Elasticsearch at http://127.0.0.1:1"), is(true));
    }

    // --- alerts ----------------------------------------------------------------------------------------

    @SuppressWarnings("InlineFormatString") // the rules file reads better on its own than inside the test
    private static final String ALERT_RULES = """
            window: 5m
            rules:
              - {name: error-rate, type: error-rate, max-error-percent: 5, min-spans: 20}
              - {name: slow-spans, type: slow-spans, threshold-ms: 2000, show: 2}
              - name: service-down
                type: service-down
                services: [orchestrator, users, orders, payments]
                health: {orchestrator: "%s/health/ready", users: "%s"}
              - {name: traffic-anomaly, type: traffic-anomaly, baseline-windows: 3, factor: 3, min-baseline: 30}
            """;

    @Test
    void everyAlertRuleFiresOnItsFixture() throws Exception {
        String prefix = "alerts-firing-fixture-spans";
        Instant current = UNTIL.minus(Duration.ofMinutes(5));
        SpanFixture generator = new SpanFixture(7L);
        // last 5 minutes: payments fails 10 of 40, two spans over 2 s, orders sends nothing at all
        generator.spread("payments", "POST /payments", current, Duration.ofMinutes(5), 40, 10, 120);
        generator.spread("users", "GET /users/{userId}", current, Duration.ofMinutes(5), 45, 0, 30);
        generator.spread("orchestrator", "GET /demo/full-flow/{userId}", current, Duration.ofMinutes(5), 46, 0, 200);
        String slowest = generator.slowSpan("orchestrator", "GET /demo/full-flow/{userId}", current.plusSeconds(10),
                3500);
        String secondSlowest = generator.slowSpan("users", "GET /users/{userId}", current.plusSeconds(20), 2500);
        // three baseline windows of 35 requests each (a burst of 3.7 times that now)
        for (int w = 1; w <= 3; w++) {
            generator.spread("orders", "POST /orders", current.minus(Duration.ofMinutes(5L * w)), Duration.ofMinutes(5),
                    35, 0, 50);
        }
        index.reset(prefix);
        index.index(prefix, generator.spans());

        CliRun run = alerts(prefix, rulesFile(system.orchestrator(), "http://127.0.0.1:1/health/ready"));
        assertThat(run.err(), run.status(), is(1));
        assertThat(run.row("STATE", "FIRING", "error-rate").get(2),
                is("payments 25.00 % errors (10 of 40 spans) > 5 % over 5m"));
        assertThat(run.row("STATE", "FIRING", "slow-spans").get(2),
                is("2 span(s) slower than 2000 ms over 5m, worst 3500.0 ms"));
        assertThat(run.out(), run.out().contains("3500.0 ms orchestrator GET /demo/full-flow/{userId} trace " + slowest),
                is(true));
        assertThat(run.out(), run.out().contains("2500.0 ms users GET /users/{userId} trace " + secondSlowest),
                is(true));
        String down = run.row("STATE", "FIRING", "service-down").get(2);
        assertThat(down, down.startsWith("users: readiness no answer from http://127.0.0.1:1/health/ready"), is(true));
        assertThat(down, down.endsWith("; orders: no spans over 5m"), is(true));
        long requests = generator.spans().stream().filter(s -> !s.start().isBefore(current)).count();
        assertThat(requests, is(133L));
        assertThat(run.row("STATE", "FIRING", "traffic-anomaly").get(2), is(requests + " requests in the last 5m, "
                + "baseline 35 (median of 3 windows before), outside [11.7, 105]"));
        assertThat(run.out(), run.out().contains("4 of 4 rules firing"), is(true));

        // the built-in rules (no --rules) judge the same spans: error rate and slow spans fire there too
        CliRun builtIn = cli("alerts", "check", "--until", UNTIL.toString(), "--index-prefix", prefix);
        assertThat(builtIn.status(), is(1));
        assertThat(builtIn.row("STATE", "FIRING", "error-rate").size(), is(3));
        assertThat(builtIn.row("STATE", "FIRING", "slow-spans").size(), is(3));
    }

    @Test
    void declinedPaymentsAloneDoNotFireTheErrorRateRule() throws Exception {
        String prefix = "alerts-declines-fixture-spans";
        Instant current = UNTIL.minus(Duration.ofMinutes(5));
        SpanFixture generator = new SpanFixture(9L);
        int flows = 12;
        for (int i = 0; i < flows; i++) {
            generator.fullFlow(current.plusSeconds(20L * i), SpanFixture.Outcome.DECLINED);
        }
        index.reset(prefix);
        index.index(prefix, generator.spans());
        long payments = generator.spans().stream().filter(s -> s.service().equals("payments")).count();
        assertThat("enough payments spans for the rule to judge them", payments >= 20, is(true));

        CliRun declined = cli("query", "flowlens.payment.status: DECLINED", "--until", UNTIL.toString(),
                "--index-prefix", prefix);
        assertThat(declined.err(), firstNumber(declined.out()), is((long) flows));
        CliRun run = cli("alerts", "check", "--until", UNTIL.toString(), "--index-prefix", prefix);
        List<String> errorRate = run.row("STATE", "ok", "error-rate");
        assertThat(errorRate.get(2), errorRate.get(2).startsWith("highest "), is(true));
        assertThat(errorRate.get(2), errorRate.get(2).contains(" 0.00 % errors (0 of "), is(true));
    }

    @Test
    void noAlertRuleFiresOnAQuietFixture() throws Exception {
        String prefix = "alerts-quiet-fixture-spans";
        Instant current = UNTIL.minus(Duration.ofMinutes(5));
        SpanFixture generator = new SpanFixture(8L);
        generator.spread("orchestrator", "GET /demo/full-flow/{userId}", current, Duration.ofMinutes(5), 40, 1, 900);
        generator.spread("orders", "POST /orders", current, Duration.ofMinutes(5), 40, 2, 1999);
        generator.spread("payments", "POST /payments", current, Duration.ofMinutes(5), 40, 0, 80);
        // 3 errors in 5 spans: 60 %, but too few spans to judge
        generator.spread("users", "GET /users/{userId}", current, Duration.ofMinutes(5), 5, 3, 20);
        for (int w = 1; w <= 3; w++) {
            generator.spread("orders", "POST /orders", current.minus(Duration.ofMinutes(5L * w)), Duration.ofMinutes(5),
                    100 + 10 * w, 0, 50);
        }
        index.reset(prefix);
        index.index(prefix, generator.spans());

        CliRun run = alerts(prefix, rulesFile(system.orchestrator(), system.orchestrator() + "/health/ready"));
        assertThat(run.err(), run.status(), is(0));
        assertThat(run.row("STATE", "ok", "error-rate").get(2), is("highest orders 5.00 % errors (2 of 40 spans) <= 5 % "
                + "over 5m; 1 service(s) with fewer than 20 spans not judged"));
        assertThat(run.row("STATE", "ok", "slow-spans").get(2), is("no span slower than 2000 ms over 5m"));
        assertThat(run.row("STATE", "ok", "service-down").get(2),
                is("all 4 services sent spans over 5m and answered readiness"));
        assertThat(run.row("STATE", "ok", "traffic-anomaly").get(2), is("125 requests in the last 5m, baseline 120 "
                + "(median of 3 windows before), within [40, 360]"));
        assertThat(run.out(), run.out().contains("0 of 4 rules firing"), is(true));
    }

    @Test
    void brokenRulesFileIsAUsageError() throws Exception {
        Path rules = Files.createTempFile(scratch, "alert-rules", ".yaml");
        Files.writeString(rules, "rules:\n  - {name: x, type: error-rate, max-error-percnt: 5}\n");
        CliRun run = cli("alerts", "check", "--rules", rules.toString());
        assertThat(run.status(), is(2));
        assertThat(run.err(), run.err().contains("unknown key 'max-error-percnt'"), is(true));
    }

    private static Path rulesFile(String orchestrator, String usersHealth) throws Exception {
        Path rules = Files.createTempFile(scratch, "alert-rules", ".yaml");
        Files.writeString(rules, ALERT_RULES.formatted(orchestrator, usersHealth));
        return rules;
    }

    private static CliRun alerts(String prefix, Path rules) {
        return cli("alerts", "check", "--rules", rules.toString(), "--until", UNTIL.toString(), "--index-prefix",
                prefix);
    }

    // --- retention -------------------------------------------------------------------------------------

    @Test
    void retentionDeletesOnlyDailyIndicesOlderThanTheLimit() throws Exception {
        String prefix = "retention-fixture-spans";
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        index.reset(prefix);
        SpanFixture generator = new SpanFixture(9L);
        Instant now = Instant.now();
        generator.slowSpan("users", "GET /users/{userId}", now, 12);
        generator.slowSpan("users", "GET /users/{userId}", now.minus(Duration.ofDays(40)), 12);
        index.index(prefix, generator.spans());
        List<String> kept = new ArrayList<>();
        List<String> old = new ArrayList<>();
        for (int age : List.of(0, 29, 30, 31, 40)) {
            String name = prefix + "-" + FixtureIndex.DAY.format(today.minusDays(age).atStartOfDay(ZoneOffset.UTC));
            (age > 30 ? old : kept).add(name);
            if (age != 0 && age != 40) {
                index.create(name);
            }
        }
        List<String> foreign = List.of(prefix + "-old", prefix + "-2020.13.45", prefix + "-2020.01.01-copy",
                prefix + "-extra-2020.01.01");
        foreign.forEach(index::create);
        List<String> all = new ArrayList<>(kept);
        all.addAll(old);
        all.addAll(foreign);
        assertThat(sorted(index.indices(prefix)), is(sorted(all)));

        CliRun dryRun = cli("retention", "--days", "30", "--dry-run", "--index-prefix", prefix);
        assertThat(dryRun.err(), dryRun.status(), is(0));
        for (String name : old) {
            assertThat(dryRun.row("INDEX", name).get(2), is("would delete"));
        }
        assertThat(sorted(index.indices(prefix)), is(sorted(all)));

        CliRun run = cli("retention", "--days", "30", "--index-prefix", prefix);
        assertThat(run.err(), run.status(), is(0));
        for (String name : old) {
            assertThat(run.row("INDEX", name).get(2), is("deleted"));
        }
        for (String name : kept) {
            assertThat(run.row("INDEX", name).get(2), is("kept"));
        }
        for (String name : foreign) {
            assertThat(run.row("INDEX", name).get(2), is("ignored: not " + prefix + "-YYYY.MM.DD"));
        }
        assertThat(run.out(), run.out().contains(old.size() + " indices deleted"), is(true));
        List<String> left = new ArrayList<>(kept);
        left.addAll(foreign);
        assertThat(sorted(index.indices(prefix)), is(sorted(left)));

        assertThat(cli("retention", "--index-prefix", prefix).status(), is(2));
        assertThat(cli("retention", "--days", "0", "--index-prefix", prefix).status(), is(2));
        assertThat(cli("retention", "--days", "1", "--index-prefix", "retention-*").status(), is(2));
    }

    private static List<String> sorted(List<String> names) {
        return names.stream().sorted().toList();
    }

    // --- consistency -----------------------------------------------------------------------------------

    /**
     * Two real full flows through the four services, as Jaeger stored them, copied into a test index: one whole,
     * one without one span and with one Jaeger never saw. (Once the services export to Elasticsearch themselves,
     * the same report runs on their own indices.)
     */
    @Test
    void consistencyAgainstRealJaegerFindsTheSpanLeftOutAndTheOneAdded() {
        String prefix = "consistency-fixture-spans";
        String jaegerUrl = system.jaegerQuery();
        String whole = runFullFlow();
        String partial = runFullFlow();
        List<TraceSpan> wholeSpans = awaitStableTrace(whole);
        List<TraceSpan> partialSpans = awaitStableTrace(partial);

        // a statement span (CLIENT); the transaction around statements carries db.system too, but is INTERNAL
        TraceSpan dropped = partialSpans.stream()
                .filter(s -> s.attributes().containsKey("db.system") && s.kind() == 3).findFirst()
                .orElseThrow(() -> new AssertionError("no database span in " + partial));
        TraceSpan root = partialSpans.stream().filter(TraceSpan::isRoot).findFirst().orElseThrow();
        FixtureSpan added = FixtureSpan.of(Instant.ofEpochSecond(0, root.startNanos() + 1_000_000), partial,
                new SpanFixture(10L).hex(8), root.spanId(), "orchestrator", "extra.span", "INTERNAL");
        List<FixtureSpan> documents = new ArrayList<>();
        wholeSpans.forEach(span -> documents.add(copy(span)));
        partialSpans.stream().filter(span -> !span.equals(dropped)).forEach(span -> documents.add(copy(span)));
        documents.add(added);
        index.reset(prefix);
        index.index(prefix, documents);

        CliRun byTrace = cli("analytics", "consistency", "--jaeger", jaegerUrl, "--trace", whole + "," + partial,
                "--index-prefix", prefix);
        // a short window and a high cap: in `make test` earlier tests leave thousands of traces in Jaeger
        CliRun byWindow = cli("analytics", "consistency", "--jaeger", jaegerUrl, "--window", "30s",
                "--max-traces", "5000", "--index-prefix", prefix);
        for (CliRun run : List.of(byTrace, byWindow)) {
            assertThat(run.err(), run.status(), is(0));
            String n = String.valueOf(wholeSpans.size());
            assertThat(run.row("TRACE_ID", whole), is(List.of(whole, n, n, "0", "0", "ok")));
            String m = String.valueOf(partialSpans.size());
            assertThat(run.row("TRACE_ID", partial), is(List.of(partial, m, m, "1", "1", "differs")));
            assertThat(run.out(), run.out().contains("  missing in ES: " + dropped.service() + " CLIENT "
                    + dropped.name() + " span " + dropped.spanId()), is(true));
            assertThat(run.out(), run.out().contains("  extra in ES:   orchestrator INTERNAL extra.span span "
                    + added.spanId()), is(true));
        }
    }

    /** The services' own exporter writes flowlens-spans-*: for real flows it must agree with Jaeger span by span. */
    @Test
    void consistencyOfTheServicesOwnSpanIndexWithJaeger() {
        String jaegerUrl = system.jaegerQuery();
        List<String> traces = List.of(runFullFlow(), runFullFlow(), runFullFlow());
        traces.forEach(AnalyticsIT::awaitStableTrace);
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
        CliRun run;
        do {
            ServiceProcesses.sleep(500);
            run = cli("analytics", "consistency", "--jaeger", jaegerUrl, "--trace", String.join(",", traces),
                    "--index-prefix", "flowlens-spans");
        } while (run.out().contains("differs") && System.nanoTime() < deadline);
        assertThat(run.err(), run.status(), is(0));
        for (String trace : traces) {
            List<String> row = run.row("TRACE_ID", trace);
            assertThat(run.out(), row.get(1), is(row.get(2)));
            assertThat(run.out(), row.get(row.size() - 1), is("ok"));
        }
    }

    @Test
    void unreachableJaegerIsAFailure() {
        CliRun run = cli("analytics", "consistency", "--jaeger", "http://127.0.0.1:1", "--trace", "abc");
        assertThat(run.status(), is(1));
        assertThat(run.err(), run.err().contains("cannot reach Jaeger at http://127.0.0.1:1"), is(true));
    }

    private static String runFullFlow() {
        return RestAssured.given().baseUri(system.orchestrator()).get("/demo/full-flow/1")
                .then().statusCode(200).extract().path("trace_id");
    }

    /** The trace once all four services' spans are in and two reads a second apart agree. */
    private static List<TraceSpan> awaitStableTrace(String traceId) {
        List<TraceSpan> spans = system.jaeger().awaitTrace(traceId,
                found -> FullFlowSystemIT.servicesOf(found).size() == 4 && found.stream().anyMatch(TraceSpan::isRoot),
                Duration.ofSeconds(30));
        for (int i = 0; i < 30; i++) {
            ServiceProcesses.sleep(1000);
            List<TraceSpan> again = system.jaeger().trace(traceId);
            if (again.size() == spans.size()) {
                return again;
            }
            spans = again;
        }
        throw new AssertionError("trace " + traceId + " still growing after 30 s");
    }

    /** A Jaeger span as the span document the exporter would write for it. */
    private static FixtureSpan copy(TraceSpan span) {
        String kind = switch (span.kind()) {
            case TraceSpan.SERVER -> "SERVER";
            case TraceSpan.CLIENT -> "CLIENT";
            case TraceSpan.INTERNAL -> "INTERNAL";
            default -> "UNSPECIFIED";
        };
        String status = span.attributes().get("http.response.status_code");
        return FixtureSpan.of(Instant.ofEpochSecond(0, span.startNanos()), span.traceId(), span.spanId(),
                        span.isRoot() ? null : span.parentSpanId(), span.service(), span.name(), kind)
                .withDuration((span.endNanos() - span.startNanos()) / 1_000_000.0)
                .withError(span.isError())
                .withHttp(span.attributes().get("http.request.method"), status == null ? null : Integer.valueOf(status))
                .withDb(span.attributes().get("db.system"));
    }

    // --- helpers ---------------------------------------------------------------------------------------

    /** The CLI against the test Elasticsearch, on the analytics fixture unless args name another prefix. */
    private static CliRun cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--es", system.elasticsearch()));
        if (!all.contains("--index-prefix")) {
            all.addAll(List.of("--index-prefix", PREFIX));
        }
        return CliRun.of(all.toArray(String[]::new));
    }

    private static CliRun analytics(String report, String... options) {
        List<String> args = new ArrayList<>(List.of("analytics", report, "--window", "15m", "--until", UNTIL.toString()));
        args.addAll(List.of(options));
        CliRun run = cli(args.toArray(String[]::new));
        assertThat(run.err(), run.status(), is(0));
        return run;
    }

    private static long count(Predicate<FixtureSpan> predicate) {
        return inWindow.stream().filter(predicate).count();
    }

    private static Map<List<String>, List<Double>> serverGroups() {
        return inWindow.stream().filter(s -> s.kind().equals("SERVER")).collect(Collectors.groupingBy(
                s -> List.of(s.service(), s.name()), () -> new TreeMap<>(PAIRS),
                Collectors.mapping(FixtureSpan::durationMs, Collectors.toList())));
    }

    /**
     * Gives each latency group durations on three plateaus, so that the value at every rank an implementation
     * might read for p50, p95 or p99 (floor(q(n-1))+1 up to ceil(qn)+1) is the same: then any interpolation
     * (Elasticsearch's t-digest included) must print exactly the nearest-rank value this test computes.
     */
    private static void giveLatencyGroupsKnownPercentiles(SpanFixture generator) {
        Map<List<String>, List<FixtureSpan>> groups = generator.spans().stream()
                .filter(s -> s.kind().equals("SERVER") && !s.start().isBefore(FROM) && s.start().isBefore(UNTIL))
                .collect(Collectors.groupingBy(s -> List.of(s.service(), s.name()), () -> new TreeMap<>(PAIRS),
                        Collectors.toList()));
        int group = 0;
        for (List<FixtureSpan> spans : groups.values()) {
            int n = spans.size();
            double base = 20 + 10 * group;
            // a plateau starts only where it cannot cut a percentile's range in two; small groups get fewer
            int midFrom = lowRank(0.95, n) > highRank(0.50, n) ? highRank(0.50, n) + 1 : n + 1;
            int topFrom = lowRank(0.99, n) > highRank(0.95, n) ? lowRank(0.99, n) : n + 1;
            for (int rank = 1; rank <= n; rank++) {
                double duration = rank >= topFrom ? 2000 + 100 * group : rank >= midFrom ? base * 5 : base;
                // durations rise with rank, so rank order is list order and the plateaus are as computed
                FixtureSpan span = spans.get(rank - 1);
                generator.replace(span, span.withDuration(duration));
            }
            group++;
        }
    }

    private static int lowRank(double q, int n) {
        return (int) Math.floor(q * (n - 1)) + 1;
    }

    private static int highRank(double q, int n) {
        return Math.min(n, (int) Math.ceil(q * n) + 1);
    }

    /** The nearest-rank percentile, after checking that every neighbouring rank holds the same value. */
    private static double percentile(List<Double> durations, double q) {
        List<Double> sorted = durations.stream().sorted().toList();
        int n = sorted.size();
        double value = sorted.get(lowRank(q, n) - 1);
        for (int rank = lowRank(q, n); rank <= highRank(q, n); rank++) {
            assertThat("fixture plateau at rank " + rank + " of " + n + " for p" + q, sorted.get(rank - 1), is(value));
        }
        return value;
    }

    private static long firstNumber(String out) {
        return Long.parseLong(out.strip().split("\\s+", 2)[0]);
    }

    private static String millis(double millis) {
        return String.format(Locale.ROOT, "%.1f", millis);
    }

    private static String percent(long part, long whole) {
        return whole == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", 100.0 * part / whole);
    }
}
