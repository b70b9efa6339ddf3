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
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * The web console (observability/console, started by bin/stack.sh with the test stack) opened in a real browser,
 * headless Chromium, after real flows: what a person would check on each view. Screenshots of every view land in
 * system-tests/target/console/.
 */
class ConsoleIT {

    private static final Pattern SPAN_ROW = Pattern.compile("class=\"span-row[^\"]*\" data-span-id=\"([0-9a-f]+)\"");
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 900;

    private static SystemUnderTest system;
    private static Path out;
    private static String completed;
    private static String declined;

    @BeforeAll
    static void flows() throws IOException {
        HeadlessChromium.assertInstalled();
        system = SystemUnderTest.get();
        out = Files.createDirectories(system.root().resolve("system-tests/target/console"));
        completed = traceId(RestAssured.given().baseUri(system.orchestrator()).get("/demo/full-flow/1")
                .then().statusCode(200).extract().jsonPath());
        declined = traceId(RestAssured.given().baseUri(system.orchestrator()).queryParam("amount", "2500.00")
                .get("/demo/full-flow/2").then().statusCode(200).extract().jsonPath());
        // both flow spans are in flowlens-spans-* (what the flows view reads) and both traces are whole in Jaeger
        // and Elasticsearch alike, so no straggler span arrives between the browser's look and ours
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                complete(completed) && complete(declined));
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
        }
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
                URI.create("http://127.0.0.1:" + SystemUnderTest.QUERY_PORT));
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
        String url = system.console() + path;
        Path log = out.resolve(name + "-chromium.log");
        Files.deleteIfExists(log);
        String dom = HeadlessChromium.run(log, "--dump-dom", url);
        assertThat(url + " rendered its view (not the loading placeholder)", dom, not(containsString("Loading…")));
        Path screenshot = out.resolve(name + ".png");
        Files.deleteIfExists(screenshot);
        HeadlessChromium.run(log, "--window-size=" + WIDTH + "," + HEIGHT, "--screenshot=" + screenshot, url);
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
