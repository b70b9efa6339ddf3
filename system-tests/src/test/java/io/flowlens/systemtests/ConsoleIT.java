package io.flowlens.systemtests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
        system.jaeger().trace(completed).forEach(span -> jaeger.add(span.spanId().toLowerCase()));
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
