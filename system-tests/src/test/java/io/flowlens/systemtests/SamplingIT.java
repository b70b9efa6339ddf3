package io.flowlens.systemtests;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

/**
 * A second set of the four services configured only through standard OTel settings to keep 10 % of traces
 * ({@code parentbased_traceidratio}): the orchestrator decides at the root, the others follow their parent, so a kept
 * trace is complete and a dropped one leaves no span anywhere. Their spans take the way every span takes: OTLP to
 * Jaeger, on to the span indexer, into {@code flowlens-spans-*}; the test counts them by its own trace ids.
 */
@ResourceLock(Lanes.MAIN)
class SamplingIT {

    private static final int FLOWS = 300;
    private static final double RATIO = 0.1;

    private static SystemUnderTest system;
    private static ServiceProcesses sampled;

    @BeforeAll
    static void start() {
        system = SystemUnderTest.get();
        sampled = ServiceProcesses.start(system.root(), system.otlp(),
                Map.of("OTEL_TRACES_SAMPLER", "parentbased_traceidratio",
                        "OTEL_TRACES_SAMPLER_ARG", String.valueOf(RATIO)),
                "sampling");
    }

    @AfterAll
    static void stop() {
        if (sampled != null) {
            sampled.close();
        }
    }

    @Test
    void aTenthOfTheFlowsIsKeptAndEveryKeptTraceIsComplete() {
        List<String> traceIds = new ArrayList<>();
        for (int i = 0; i < FLOWS; i++) {
            traceIds.add(RestAssured.given().baseUri(sampled.url("orchestrator")).get("/demo/full-flow/1")
                    .then().statusCode(200).extract().path("trace_id"));
        }
        // a completed flow of user 1 always makes the same spans: as many as the same flow on the unsampled
        // services shows in Jaeger once complete (its counts held for a while: a run of this class alone on a cold
        // main set failed when one unchanged poll counted as complete); every kept trace must have all of them
        String reference = RestAssured.given().baseUri(system.orchestrator()).get("/demo/full-flow/1")
                .then().statusCode(200).extract().path("trace_id");
        long full = TraceShapeIT.awaitCompleteTrace(system, reference).size();
        // spans arrive over a few seconds (service batches, Jaeger's batch, the indexer's bulk): wait until every
        // trace found so far is complete and as many traces are found as sampling should keep
        List<Map<String, Object>> buckets = Awaitility.await("kept traces of " + full + " spans each, as the reference")
                .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> spansPerTrace(traceIds), found -> found.size() >= 12
                        && found.stream().allMatch(b -> ((Number) b.get("doc_count")).longValue() == full));
        Set<String> kept = buckets.stream().map(b -> (String) b.get("key")).collect(Collectors.toSet());

        // binomial(300, 0.1): mean 30, sd 5.2; [12, 50] is beyond 3.4 sd on both sides
        assertThat("traces kept of " + FLOWS, kept.size(), allOf(greaterThanOrEqualTo(12), lessThanOrEqualTo(50)));
        List<String> partial = buckets.stream().filter(b -> ((Number) b.get("doc_count")).longValue() != full)
                .map(b -> b.get("key") + "=" + b.get("doc_count")).toList();
        assertThat("kept traces with missing spans (a complete one has " + full + ")", partial, is(empty()));
        System.out.printf("sampling ratio %.2f: %d of %d flows kept, %d spans each%n", RATIO, kept.size(), FLOWS, full);
    }

    /** Document count per trace in flowlens-spans-*, for these flows' traces only (the sweepers' roots are sampled too). */
    private static List<Map<String, Object>> spansPerTrace(List<String> traceIds) {
        RestAssured.given().baseUri(system.elasticsearch()).post("/flowlens-spans-*/_refresh").then().statusCode(200);
        JsonPath perTrace = RestAssured.given().baseUri(system.elasticsearch()).contentType(ContentType.JSON)
                .body(Map.of("size", 0, "query", Map.of("terms", Map.of("trace_id", traceIds)),
                        "aggs", Map.of("traces", Map.of("terms", Map.of("field", "trace_id", "size", FLOWS)))))
                .post("/flowlens-spans-*/_search").then().statusCode(200).extract().jsonPath();
        return perTrace.getList("aggregations.traces.buckets");
    }
}
