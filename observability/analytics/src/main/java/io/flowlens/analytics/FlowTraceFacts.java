package io.flowlens.analytics;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import io.flowlens.exporter.elasticsearch.SpanFields;

/**
 * What a flow's trace says beyond its {@code flow.run} span: how many downstream calls the orchestrator retried and
 * which faults were injected. The orchestrator's Fault Tolerance {@code @Retry} records no attribute, but every attempt
 * is a CLIENT span of its own with the same {@code http.url} (the Idempotency-Key keeps the URL and the answer the
 * same), and a flow calls each URL once; so the attempts beyond the first per URL are the retries. A fault marks
 * whatever it touched with {@code flowlens.fault.injected}, in any service of the trace.
 */
public final class FlowTraceFacts {

    static final String FAULT = SpanFields.FLOWLENS_PREFIX + "fault.injected";
    static final String CALLER = "orchestrator";
    /** The URL attribute Helidon's MP REST client span carries (the older HTTP semantic conventions). */
    static final String HTTP_URL = "http.url";
    /** A flow makes about six calls; far more documents than that per flow means the read is cut, not unbounded. */
    private static final int DOCUMENTS_PER_FLOW = 40;

    /** The retries and the injected faults ({@code service: fault}, sorted) of one trace. */
    public record Facts(int retries, List<String> faults) {
        public static final Facts NONE = new Facts(0, List.of());
    }

    private final SpanStore store;

    public FlowTraceFacts(SpanStore store) {
        this.store = store;
    }

    /** The facts of each of these traces that has any; one search for all of them. */
    public Map<String, Facts> of(List<String> traceIds) throws IOException {
        if (traceIds.isEmpty()) {
            return Map.of();
        }
        Query inTraces = Query.of(q -> q.terms(t -> t.field(SpanFields.TRACE_ID)
                .terms(v -> v.value(traceIds.stream().map(FieldValue::of).toList()))));
        Query calls = SpanStore.all(Query.of(q -> q.term(t -> t.field(SpanFields.SERVICE).value(CALLER))),
                SpanStore.kind("CLIENT"), Query.of(q -> q.exists(e -> e.field(SpanFields.ATTRIBUTES + "." + HTTP_URL))));
        Query faulted = Query.of(q -> q.exists(e -> e.field(FAULT)));
        Query query = SpanStore.all(inTraces, Query.of(q -> q.bool(b -> b.should(calls, faulted).minimumShouldMatch("1"))));
        List<JsonNode> documents = store.search(s -> s.query(query).size(traceIds.size() * DOCUMENTS_PER_FLOW)
                        .source(src -> src.filter(f -> f.includes(SpanFields.TRACE_ID, SpanFields.SERVICE, SpanFields.KIND,
                                SpanFields.ATTRIBUTES, SpanFields.FLOWLENS_PREFIX + "fault", FAULT))), JsonNode.class)
                .hits().hits().stream().map(Hit::source).toList();
        return fromDocuments(documents);
    }

    /** The facts per trace id from span documents (only those of interest need be given). */
    static Map<String, Facts> fromDocuments(List<JsonNode> documents) {
        Map<String, List<JsonNode>> byTrace = documents.stream()
                .collect(Collectors.groupingBy(d -> IndexedSpan.text(d, SpanFields.TRACE_ID).orElse("")));
        Map<String, Facts> facts = new HashMap<>();
        byTrace.forEach((traceId, spans) -> {
            Map<String, Long> attemptsPerUrl = spans.stream()
                    .filter(d -> IndexedSpan.text(d, SpanFields.SERVICE).orElse("").equals(CALLER)
                            && IndexedSpan.text(d, SpanFields.KIND).orElse("").equals("CLIENT"))
                    .map(d -> IndexedSpan.text(d.path(SpanFields.ATTRIBUTES), HTTP_URL).orElse(""))
                    .filter(url -> !url.isEmpty())
                    .collect(Collectors.groupingBy(url -> url, Collectors.counting()));
            int retries = (int) attemptsPerUrl.values().stream().mapToLong(attempts -> attempts - 1).sum();
            Set<String> faults = new TreeSet<>();
            spans.forEach(d -> IndexedSpan.text(d, FAULT).ifPresent(fault ->
                    faults.add(IndexedSpan.text(d, SpanFields.SERVICE).orElse("?") + ": " + fault)));
            facts.put(traceId, new Facts(retries, List.copyOf(faults)));
        });
        return facts;
    }
}
