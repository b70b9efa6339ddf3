package io.flowlens.systemtests;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

/** Span documents per trace in an Elasticsearch index pattern: many traces in one search, not a count per trace. */
final class SpanCounts {

    private SpanCounts() {
    }

    /**
     * Documents per trace id among {@code traceIds} in {@code index} (after a refresh); a trace without any is absent.
     * {@code traceField} is {@code trace_id} in flowlens-spans-*, {@code traceID} in Jaeger's jaeger-span-*.
     */
    static Map<String, Long> perTrace(SystemUnderTest system, String index, String traceField,
                                      Collection<String> traceIds) {
        RestAssured.given().baseUri(system.elasticsearch()).post("/" + index + "/_refresh?allow_no_indices=true");
        JsonPath answer = RestAssured.given().baseUri(system.elasticsearch()).contentType("application/json")
                .body(Map.of("size", 0, "query", Map.of("terms", Map.of(traceField, List.copyOf(traceIds))),
                        "aggs", Map.of("traces", Map.of("terms", Map.of("field", traceField,
                                "size", Math.max(1, traceIds.size()))))))
                .post("/" + index + "/_search?allow_no_indices=true")
                .then().statusCode(200).extract().jsonPath();
        Map<String, Long> counts = new HashMap<>();
        List<Map<String, Object>> buckets = answer.getList("aggregations.traces.buckets");
        for (Map<String, Object> bucket : buckets == null ? List.<Map<String, Object>>of() : buckets) {
            counts.put((String) bucket.get("key"), ((Number) bucket.get("doc_count")).longValue());
        }
        return counts;
    }
}
