package io.flowlens.systemtests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.flowlens.analytics.BusinessReport;
import io.flowlens.analytics.Figures;
import io.flowlens.analytics.FlowlensSettings;
import io.flowlens.analytics.LatencyReport;
import io.flowlens.analytics.SpanStore;
import io.flowlens.analytics.TimeWindow;
import io.flowlens.exporter.elasticsearch.ElasticsearchConnection;
import io.flowlens.exporter.elasticsearch.SpanIndex;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

/**
 * The web console (observability/console, started by bin/stack.sh with the test stack) opened in a real browser,
 * headless Chromium, after real flows (completed, declined, and compensated after an injected payment error): what a
 * person would check on each view. Screenshots of every view land in
 * system-tests/target/console/.
 */
@ResourceLock(Lanes.MAIN)
class ConsoleIT {

    private static final Pattern SPAN_ROW = Pattern.compile("class=\"span-row[^\"]*\" data-span-id=\"([0-9a-f]+)\"");
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 900;

    private static SystemUnderTest system;
    private static Path out;
    private static String completed;
    private static String declined;
    /** A flow whose payment failed by an injected fault (ERRORS at rate 1 in payments), so the saga compensated. */
    private static String faulty;
    private static long faultyStarted;

    @BeforeAll
    static void flows() throws IOException {
        HeadlessChromium.assertInstalled();
        system = SystemUnderTest.get();
        out = Files.createDirectories(system.root().resolve("system-tests/target/console"));
        completed = traceId(RestAssured.given().baseUri(system.orchestrator()).get("/demo/full-flow/1")
                .then().statusCode(200).extract().jsonPath());
        declined = traceId(RestAssured.given().baseUri(system.orchestrator()).queryParam("amount", "2500.00")
                .get("/demo/full-flow/2").then().statusCode(200).extract().jsonPath());
        // the shared stack's payments restarted with an injected error on every payment, then restored: the flow
        // fails at the payment and the saga cancels the order (compensated), and payments' error rate alerts
        // both traces whole in Jaeger, payments' spans included, before payments is stopped: a fresh-clone run showed
        // the completed flow without them when payments stopped right after serving it
        for (String traceId : List.of(completed, declined)) {
            system.jaeger().awaitTrace(traceId, spans -> FullFlowSystemIT.servicesOf(spans).size() == 4,
                    Duration.ofSeconds(30));
        }
        faultyStarted = System.nanoTime();
        try {
            // stopped, not killed: a clean shutdown exports the spans the service still holds
            system.services().stop("payments");
            system.services().restart("payments", Map.of("FLOWLENS_FAULT_ERRORS_ENABLED", "true",
                    "FLOWLENS_FAULT_ERRORS_RATE", "1.0"));
            // the error-rate rule judges a service only from 20 spans in its window: reads, each an injected 500
            // (before the flow, so the flow's errors stay the newest the dashboard lists)
            for (int i = 0; i < 20; i++) {
                RestAssured.given().baseUri(system.services().url("payments")).get("/payments/1")
                        .then().statusCode(500);
            }
            faulty = traceId(RestAssured.given().baseUri(system.orchestrator()).get("/demo/full-flow/3")
                    .then().statusCode(greaterThanOrEqualTo(500)).extract().jsonPath());
            // payments' spans of the flow, the ones the fault marked, reached Jaeger before payments stops again:
            // a fresh-clone run once showed the flow without them, its fault column empty
            system.jaeger().awaitTrace(faulty, spans -> spans.stream().anyMatch(span -> span.service().equals("payments")
                    && span.attributes().containsKey("flowlens.fault.injected")), Duration.ofSeconds(30));
        } finally {
            system.services().stop("payments");
            system.services().restart("payments");
        }
        // the flow spans are in flowlens-spans-* (what the flows view reads) and the traces are whole in Jaeger
        // and Elasticsearch alike, so no straggler span arrives between the browser's look and ours
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                complete(completed) && complete(declined) && complete(faulty));
    }

    @Test
    void traceViewShowsExactlyTheSpansJaegerHas() throws Exception {
        String dom = page("/traces/" + completed, "trace");
        Set<String> shown = new TreeSet<>();
        Matcher row = SPAN_ROW.matcher(dom);
        while (row.find()) {
            shown.add(row.group(1));
        }
        Set<String> jaeger = new TreeSet<>();
        system.jaeger().trace(completed).forEach(span -> jaeger.add(span.spanId().toLowerCase(Locale.ROOT)));
        assertThat("Jaeger has the trace", jaeger.size(), greaterThan(10));
        assertThat("the waterfall's spans are Jaeger's, no more, no fewer", shown, is(jaeger));
        assertThat(dom, containsString("<span id=\"span-count\">" + jaeger.size() + "</span>"));
        assertThat("read from Jaeger, not the fallback", dom, containsString("from jaeger"));
        for (String service : List.of("orchestrator", "users", "orders", "payments")) {
            assertThat("the waterfall shows " + service, dom, containsString("data-service=\"" + service + "\""));
            assertThat("a link to " + service + "'s dashboard", dom,
                    containsString("href=\"/dashboard?service=" + service + "\""));
        }
        // the critical path runs from the entry span (the one without a parent) down to some leaf
        TraceSpan root = system.jaeger().trace(completed).stream().filter(TraceSpan::isRoot).findFirst().orElseThrow();
        assertThat("the entry span is on the critical path", dom, containsString("class=\"span-row on-critical-path\" "
                + "data-span-id=\"" + root.spanId().toLowerCase(Locale.ROOT) + "\""));
        assertThat("marks drawn on the bars", dom, containsString("class=\"critical\""));
        // durations beside the bars, on the side with more room; the entry span's bar fills the track, so its is inside
        String rootRow = dom.substring(dom.indexOf("data-span-id=\"" + root.spanId().toLowerCase(Locale.ROOT) + "\""));
        rootRow = rootRow.substring(0, rootRow.indexOf("class=\"span-row", 1));
        assertThat("the entry span's duration inside its bar", rootRow, containsString("class=\"span-time inside\""));
        assertThat("early spans' durations after their bars", dom, containsString("class=\"span-time after\""));
        assertThat("late spans' durations before their bars", dom, containsString("class=\"span-time before\""));
        assertThat("the link to its flow", dom, containsString("href=\"/flows?trace=" + completed + "\""));

        String flow = page("/flows?trace=" + completed, "flow-of-trace");
        assertThat(flow, containsString("data-trace-id=\"" + completed + "\" data-outcome=\"completed\""));
        assertThat("only that flow", flow, not(containsString(declined)));
    }

    @Test
    void theK6ReportsSlowestRequestsOpenTheirTraceInTheConsole() throws Exception {
        Path run = Files.createDirectories(out.resolve("k6-run"));
        Files.writeString(run.resolve("console.log"), "time=\"2026-12-03T09:00:00Z\" level=info msg=\"TRACE "
                + "{\\\"name\\\":\\\"full flow\\\",\\\"status\\\":200,\\\"ms\\\":1500,"
                + "\\\"traceId\\\":\\\"" + completed + "\\\"}\" source=console\n");
        SlowTracesReportTest.run(run, system.jaegerQuery(), system.console());
        Matcher link = Pattern.compile("(http://\\S+/traces/" + completed + ")").matcher(
                Files.readString(run.resolve("traces.txt")));
        assertThat("traces.txt links the slowest request to the console", link.find(), is(true));

        String dom = browse(link.group(1), "trace-from-k6-report");
        assertThat(dom, containsString("<span class=\"mono\" id=\"trace\">" + completed + "</span>"));
    }

    @Test
    void flowsViewShowsTheCompensatedFlowWithItsInjectedFaultAndEveryFlowsRetries() throws Exception {
        String dom = page("/flows?outcome=compensated", "flows-compensated");
        assertThat(dom, containsString("data-trace-id=\"" + faulty + "\" data-outcome=\"compensated\" data-retries=\""
                + retries(faulty) + "\" data-faults=\"payments: errors\""));
        assertThat("a fault badge", dom, containsString("<span class=\"badge fault\">payments: errors</span>"));
        assertThat("the completed flow is filtered out", dom, not(containsString(completed)));
        // on 2 cores a call may time out and be tried again even in a completed flow: the count is Jaeger's
        String all = page("/flows", "flows-all");
        assertThat("no fault on the completed flow", all, containsString("data-trace-id=\"" + completed
                + "\" data-outcome=\"completed\" data-retries=\"" + retries(completed) + "\" data-faults=\"\""));
    }

    /** The orchestrator's attempts beyond the first per downstream URL, counted in the trace Jaeger has. */
    private static long retries(String traceId) {
        Map<String, Long> attempts = system.jaeger().trace(traceId).stream()
                .filter(s -> s.service().equals("orchestrator") && s.kind() == TraceSpan.CLIENT
                        && s.attributes().containsKey("http.url"))
                .collect(Collectors.groupingBy(s -> s.attributes().get("http.url"), Collectors.counting()));
        return attempts.values().stream().mapToLong(n -> n - 1).sum();
    }

    @Test
    void anAlertFiresUnderTheInjectedErrorRateAndShowsAsFiring() throws Exception {
        // a window over the faulty traffic only (and whatever little came after it): payments answered every request
        // with an injected 500 there
        String window = Duration.ofNanos(System.nanoTime() - faultyStarted).toSeconds() + 2 + "s";
        String dom = page("/alerts?window=" + window, "alerts-firing");
        assertThat(dom, containsString("<tr data-rule=\"error-rate\" data-firing=\"true\">"));
        assertThat(dom, containsString("FIRING"));
        assertThat("the service the errors were injected in is named", dom, containsString("payments"));
    }

    @Test
    void dashboardErrorAnalysisShowsTheTrendAndTheInjectedErrorLinkingToItsTrace() throws Exception {
        String dom = page("/dashboard?window=15m", "dashboard-errors");
        assertThat(dom, containsString("id=\"error-trend\""));
        assertThat("a payments bar in the trend", dom, containsString("data-service=\"payments\"><title>"));
        assertThat("the injected error among the latest, linking to its trace", dom,
                containsString("<tr data-trace-id=\"" + faulty + "\""));
        assertThat("what went wrong: the injected fault's problem", dom, containsString("Injected fault"));

        String payments = page("/dashboard?window=15m&service=payments", "dashboard-payments");
        assertThat(payments, containsString("id=\"service-filter\""));
        assertThat("only payments' rows", payments, not(containsString("<tr data-service=\"orchestrator\"")));
    }

    @Test
    void savedSearchesAreOneClickAwayAndRunAsKql() throws Exception {
        String search = page("/search", "search-saved");
        assertThat(search, containsString("data-query=\"flowlens.compensation: true\""));
        assertThat(search, containsString("data-query=\"duration_ms &gt; 1000\""));
        String compensations = page("/search?q=" + URLEncoder.encode("flowlens.compensation: true", StandardCharsets.UTF_8),
                "search-compensations");
        assertThat("the compensated flow's cancellation", compensations,
                containsString("data-trace-id=\"" + faulty + "\""));
        String faults = page("/search?q=" + URLEncoder.encode("flowlens.fault.injected: * and service: \"payments\"",
                StandardCharsets.UTF_8), "search-faults");
        assertThat(faults, containsString("data-trace-id=\"" + faulty + "\""));
        assertThat("and only spans a fault touched", faults, not(containsString("data-trace-id=\"" + completed + "\"")));
    }

    @Test
    void flowsViewShowsTheDeclinedFlowWithItsOutcome() throws Exception {
        String declinedOnly = page("/flows?outcome=declined", "flows-declined");
        assertThat(declinedOnly, containsString("data-trace-id=\"" + declined + "\" data-outcome=\"declined\""));
        assertThat("the completed flow is filtered out", declinedOnly, not(containsString(completed)));
        assertThat("the row links to its trace", declinedOnly, containsString("href=\"/traces/" + declined + "\""));

        String all = page("/flows", "flows");
        assertThat(all, containsString("data-trace-id=\"" + completed + "\" data-outcome=\"completed\""));
        assertThat(all, containsString("data-trace-id=\"" + declined + "\" data-outcome=\"declined\""));
    }

    @Test
    void flowsViewFiltersByUser() throws Exception {
        String user2 = page("/flows?user=2", "flows-user-2");
        assertThat(user2, containsString("data-trace-id=\"" + declined + "\""));
        assertThat("user 1's flow is filtered out", user2, not(containsString(completed)));
    }

    @Test
    void searchFindsATracesSpansAndLinksToTheTraceAndAMalformedQueryIsExplained() throws Exception {
        String dom = page("/search?q=" + URLEncoder.encode("trace_id: " + declined, StandardCharsets.UTF_8), "search");
        int documents = RestAssured.given().baseUri(system.elasticsearch())
                .get("/flowlens-spans-*/_count?q=trace_id:" + declined).then().extract().path("count");
        assertThat(dom, containsString("<p id=\"total\">" + documents + " span(s) match"));
        assertThat(dom, containsString("href=\"/traces/" + declined + "\""));

        String malformed = page("/search?q=" + URLEncoder.encode("error: (", StandardCharsets.UTF_8), "search-malformed");
        assertThat(malformed, containsString("id=\"message\""));
        assertThat(malformed, containsString("not a KQL query this can run"));
    }

    @Test
    void serviceMapShowsTheFourServicesAndTheirEdges() throws Exception {
        String dom = page("/map", "map");
        for (String service : List.of("orchestrator", "users", "orders", "payments")) {
            assertThat("the map has a node for " + service, dom, containsString("data-name=\"" + service + "\""));
        }
        for (String[] edge : new String[][] {{"orchestrator", "users"}, {"orchestrator", "orders"},
                {"orchestrator", "payments"}, {"orders", "users"}}) {
            assertThat("the map has the edge " + edge[0] + " -> " + edge[1], dom,
                    containsString("<tr data-caller=\"" + edge[0] + "\" data-callee=\"" + edge[1] + "\">"));
        }
        // the edges drawn are the analytics core's: the same as the console's API answers
        List<String> callers = RestAssured.given().baseUri(system.console()).get("/api/map").then().statusCode(200)
                .extract().jsonPath().getList("edges.caller");
        assertThat(callers, hasItems("orchestrator", "orders"));
    }

    /**
     * A window holding more CLIENT and SERVER spans than the map reads ({@code flowlens.console.map.max-spans}) is drawn
     * from a sample of whole traces, and the page says so; a window within the cap is exact and says nothing. A console
     * of its own reads fixture spans: 180 traces 20 to 50 minutes old and 20 from the last minute, each an entry span
     * and 5 calls orchestrator -> users (a CLIENT and a SERVER span each), trace ids random as real ones are.
     */
    @Test
    void aMapBusierThanItsCapIsDrawnFromASampleAndThePageSaysSo() throws Exception {
        String prefix = "console-map-" + UUID.randomUUID().toString().substring(0, 8);
        Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Random random = new Random(15);
        Supplier<String> spanId = () -> String.format(Locale.ROOT, "%016x", random.nextLong());
        List<FixtureSpan> spans = new ArrayList<>();
        for (int t = 0; t < 200; t++) {
            Instant start = t < 20 ? end.minusSeconds(60 - t) : end.minusSeconds(20 * 60 + 10L * (t - 20));
            String traceId = String.format(Locale.ROOT, "%016x%016x", random.nextLong(), random.nextLong());
            String entry = spanId.get();
            spans.add(FixtureSpan.of(start, traceId, entry, null, "orchestrator", "GET /demo/full-flow/{userId}",
                    "SERVER").withHttp("GET", 200));
            for (int c = 0; c < 5; c++) {
                String client = spanId.get();
                spans.add(FixtureSpan.of(start.plusMillis(c + 1L), traceId, client, entry, "orchestrator", "GET",
                        "CLIENT").withHttp("GET", 200));
                spans.add(FixtureSpan.of(start.plusMillis(c + 2L), traceId, spanId.get(), client, "users",
                        "GET /users/{id}", "SERVER").withHttp("GET", 200));
            }
        }
        String callsCell = "<tr data-caller=\"orchestrator\" data-callee=\"users\"><td>orchestrator</td><td>users</td>"
                + "<td class=\"num\">";
        try (FixtureIndex index = new FixtureIndex(system.elasticsearch())) {
            index.reset(prefix);
            index.index(prefix, spans);
            try (ConsoleProcess console = ConsoleProcess.start(system.root(), system.elasticsearch(),
                    system.jaegerQuery(), prefix, Map.of("FLOWLENS_CONSOLE_MAP_MAX_SPANS", "1000"),
                    out.resolve("map-sample-console.log"))) {
                // the hour: 2 200 spans, more than the 1 000 the map may read
                JsonPath hour = RestAssured.given().baseUri(console.url()).get("/api/map?window=1h").then()
                        .statusCode(200).extract().jsonPath();
                double share = hour.getDouble("traceShare");
                assertThat("the hour is drawn from a share of its traces", share, allOf(greaterThan(0.0), lessThan(1.0)));
                long calls = hour.getLong("edges.find { it.caller == 'orchestrator' && it.callee == 'users' }.calls");
                assertThat("the sample's calls scaled up to the hour's 1 000", (double) calls,
                        closeTo(1000, 300));
                String dom = browse(console.url() + "/map?window=1h", "map-sampled");
                assertThat(dom, containsString("<p id=\"sampled\" class=\"note\">Estimated from "
                        + String.format(Locale.ROOT, "%.2f", 100 * share) + " % of the traces"));
                assertThat("the page shows the API's estimate", dom, containsString(callsCell + calls + "<"));
                // the last ten minutes: the 20 recent traces, 220 spans, read whole
                JsonPath recent = RestAssured.given().baseUri(console.url()).get("/api/map?window=10m").then()
                        .statusCode(200).extract().jsonPath();
                assertThat(recent.getDouble("traceShare"), is(1.0));
                String exact = browse(console.url() + "/map?window=10m", "map-exact");
                assertThat("no estimate note on an exact map", exact, not(containsString("id=\"sampled\"")));
                assertThat("every call of the 20 traces", exact, containsString(callsCell + "100<"));
            } finally {
                index.reset(prefix);
            }
        }
    }

    /** A bad setting stops the console at start with its message, instead of a ready console failing every view. */
    @Test
    void aBadSettingStopsTheConsoleWithItsMessage() throws Exception {
        String cap = ConsoleProcess.refusedStart(system.root(), system.elasticsearch(), system.jaegerQuery(),
                Map.of("FLOWLENS_CONSOLE_MAP_MAX_SPANS", "0"), out.resolve("console-bad-cap.log"));
        assertThat(cap, containsString("flowlens.console.map.max-spans must be at least 1, was 0"));
        String window = ConsoleProcess.refusedStart(system.root(), system.elasticsearch(), system.jaegerQuery(),
                Map.of("FLOWLENS_CONSOLE_WINDOW", "banana"), out.resolve("console-bad-window.log"));
        assertThat(window, containsString("'banana' is not a duration"));
    }

    @Test
    void anUnknownTraceIdShowsAClearMessage() throws Exception {
        String unknown = "0123456789abcdef0123456789abcdef";
        String dom = page("/traces/" + unknown, "trace-unknown");
        assertThat(dom, containsString("id=\"message\""));
        assertThat(dom, containsString("No trace " + unknown + " in Jaeger"));

        String malformed = page("/traces/not-a-trace-id", "trace-malformed");
        assertThat(malformed, containsString("'not-a-trace-id' is not a trace id"));
    }

    @Test
    void aPathWithNoViewSaysSoAndKeepsTheNavigation() throws Exception {
        String dom = page("/flowz", "no-view");
        assertThat(dom, containsString("No view at /flowz"));
        assertThat("the navigation to the views that exist", dom, containsString("href=\"/dashboard\""));
    }

    @Test
    void alertsViewShowsEveryRule() throws Exception {
        String dom = page("/alerts", "alerts");
        for (String rule : List.of("error-rate", "slow-spans", "service-down", "traffic-anomaly")) {
            assertThat("the alerts view lists rule " + rule, dom, containsString("data-rule=\"" + rule + "\""));
        }
    }

    @Test
    void dashboardShowsTheAnalyticsCoresNumbers() throws Exception {
        // a fixed range, so the page and the core measure the same window
        Instant until = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        TimeWindow window = TimeWindow.ending(until, Duration.ofHours(1));
        // encoded as the page's own permalink is: Helidon refuses a raw ':' in a query string
        String dom = page("/dashboard?window=1h&until=" + URLEncoder.encode(until.toString(), StandardCharsets.UTF_8),
                "dashboard");

        FlowlensSettings settings = new FlowlensSettings(new ElasticsearchConnection(URI.create(system.elasticsearch()),
                Optional.empty(), Optional.empty(), Optional.empty()), new SpanIndex("flowlens-spans"),
                URI.create(system.jaegerQuery()));
        try (SpanStore store = SpanStore.open(settings)) {
            BusinessReport.Metrics business = new BusinessReport(store).measure(window);
            assertThat("there were payments in the window", business.authorize(), greaterThan(0L));
            assertThat(dom, containsString("id=\"payment-success\">"
                    + Figures.percent(business.authorized(), business.authorize()) + "<"));
            assertThat(dom, containsString("id=\"order-completion\">"
                    + Figures.percent(business.confirmed(), business.created()) + "<"));
            assertThat(dom, containsString("id=\"signups\">" + business.signups() + "<"));
            LatencyReport.Operation flows = new LatencyReport(store).measure(window).stream()
                    .filter(o -> o.service().equals("orchestrator") && o.name().startsWith("GET /demo/full-flow"))
                    .findFirst().orElseThrow();
            assertThat(dom, containsString("<tr data-service=\"orchestrator\" data-operation=\"" + flows.name()
                    + "\"><td>orchestrator</td><td>" + flows.name() + "</td><td class=\"num\">" + flows.count() + "<"));
        }
    }

    @Test
    void traceComesFromTheSpanDocumentsWhenJaegerIsDown() throws Exception {
        int spans = system.jaeger().trace(completed).size();
        long pid = Long.parseLong(Files.readString(system.instanceDir().resolve("jaeger/jaeger.pid")).trim());
        try {
            ProcessHandle jaeger = ProcessHandle.of(pid).orElseThrow();
            jaeger.destroy();
            jaeger.onExit().get(30, TimeUnit.SECONDS);

            String dom = page("/traces/" + completed, "trace-jaeger-down");
            assertThat(dom, containsString("Jaeger did not answer"));
            assertThat(dom, containsString("from elasticsearch"));
            assertThat("every span, from flowlens-spans-*", dom,
                    containsString("<span id=\"span-count\">" + spans + "</span>"));
        } finally {
            SystemUnderTest.stack(system.root(), "up");
        }
    }

    /** The page's DOM once its scripts ran, and a screenshot of it as {@code <name>.png}. */
    private static String page(String path, String name) throws IOException, InterruptedException {
        return browse(system.console() + path, name);
    }

    private static String browse(String url, String name) throws IOException, InterruptedException {
        Path log = out.resolve(name + "-chromium.log");
        Files.deleteIfExists(log);
        Path screenshot = out.resolve(name + ".png");
        String dom = HeadlessChromium.domAndScreenshot(log, url, screenshot, WIDTH, HEIGHT);
        assertThat(url + " rendered its view (not the loading placeholder)", dom, not(containsString("Loading…")));
        assertThat("screenshot " + screenshot, HeadlessChromium.pngSize(screenshot), is(List.of(WIDTH, HEIGHT)));
        return dom;
    }

    /** Jaeger has the trace with its entry span, Elasticsearch as many documents, and its flow span is listed. */
    private static boolean complete(String traceId) {
        List<TraceSpan> spans = system.jaeger().trace(traceId);
        if (spans.isEmpty() || spans.stream().noneMatch(TraceSpan::isRoot)) {
            return false;
        }
        int documents = RestAssured.given().baseUri(system.elasticsearch())
                .get("/flowlens-spans-*/_count?q=trace_id:" + traceId).then().extract().path("count");
        String flows = RestAssured.given().baseUri(system.console()).get("/api/flows").then().extract().asString();
        return documents == spans.size() && flows.contains(traceId);
    }

    /** The flow answer's trace id, whichever case convention the contract uses. */
    private static String traceId(JsonPath flow) {
        String id = flow.getString("traceId");
        return id != null ? id : flow.getString("trace_id");
    }
}
