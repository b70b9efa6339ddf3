package io.flowlens.systemtests;

import java.net.http.HttpResponse;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

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
        return perValue(system, index, traceField, Map.of("terms", Map.of(traceField, List.copyOf(traceIds))),
                Math.max(1, traceIds.size()));
    }

    /**
     * Documents per value of {@code field} (as text, a number's too) among those {@code query} matches in
     * {@code index} (after a refresh), for at most {@code values} values; a value without any is absent.
     */
    static Map<String, Long> perValue(SystemUnderTest system, String index, String field, Map<String, ?> query,
                                      int values) {
        String indexUrl = system.elasticsearch() + "/" + index;
        JsonHttp.post(indexUrl + "/_refresh?allow_no_indices=true");
        HttpResponse<String> answer = JsonHttp.ok(JsonHttp.post(indexUrl + "/_search?allow_no_indices=true",
                Map.of("size", 0, "query", query,
                        "aggs", Map.of("values", Map.of("terms", Map.of("field", field, "size", values))))));
        Map<String, Long> counts = new TreeMap<>();
        for (JsonNode bucket : JsonHttp.json(answer).path("aggregations").path("values").path("buckets")) {
            counts.put(bucket.path("key").asText(), bucket.path("doc_count").asLong());
        }
        return counts;
    }
}
