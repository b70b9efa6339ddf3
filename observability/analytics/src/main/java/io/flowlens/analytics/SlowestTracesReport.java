package io.flowlens.analytics;

import java.io.IOException;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.aggregations.StringTermsBucket;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code analytics slowest}: the traces whose root span (the one without {@code parent_span_id}) started in the
 * window and took longest. A trace's duration is its root span's: the root encloses everything the request did. A
 * trace whose root was never indexed is not listed, since without it the trace's extent is unknown.
 */
public final class SlowestTracesReport {

    private final SpanStore store;

    public SlowestTracesReport(SpanStore store) {
        this.store = store;
    }

    public void print(TimeWindow window, int limit, PrintStream out) throws IOException {
        Query roots = Query.of(q -> q.bool(b -> b.filter(window.query())
                .mustNot(m -> m.exists(e -> e.field("parent_span_id")))));
        SearchResponse<JsonNode> slowest = store.search(s -> s.size(limit).query(roots)
                .source(src -> src.filter(f -> f.includes(IndexedSpan.SOURCE_FIELDS)))
                .sort(o -> o.field(f -> f.field("duration_ms").order(SortOrder.Desc)))
                .sort(o -> o.field(f -> f.field("trace_id").order(SortOrder.Asc))), JsonNode.class);
        List<IndexedSpan> rootSpans = slowest.hits().hits().stream().map(Hit::source).map(IndexedSpan::fromSource)
                .toList();
        out.println("Slowest traces (up to " + limit + ") by root span duration, roots started in window " + window);
        if (rootSpans.isEmpty()) {
            out.println("no root spans in the window");
            return;
        }
        Map<String, long[]> spansAndErrors = countSpans(rootSpans);
        TextTable table = new TextTable("TRACE_ID", "START", "ROOT_SERVICE", "ROOT_NAME", "DURATION_MS", "SPANS",
                "ERRORS");
        for (IndexedSpan root : rootSpans) {
            long[] counts = spansAndErrors.getOrDefault(root.traceId(), new long[2]);
            table.row(root.traceId(), root.start(), root.service(), root.name(), TextTable.millis(root.durationMs()),
                    counts[0], counts[1]);
        }
        table.print(out);
    }

    /** Spans and error spans of each listed trace, wherever in time its children fell. */
    private Map<String, long[]> countSpans(List<IndexedSpan> roots) throws IOException {
        List<FieldValue> traceIds = roots.stream().map(r -> FieldValue.of(r.traceId())).distinct().toList();
        SearchResponse<Void> response = store.aggregate(
                Query.of(q -> q.terms(t -> t.field("trace_id").terms(v -> v.value(traceIds)))),
                s -> s.aggregations("traces", a -> a.terms(t -> t.field("trace_id").size(traceIds.size()))
                        .aggregations("errors", e -> e.filter(SpanStore.errors()))));
        Map<String, long[]> counts = new HashMap<>();
        for (StringTermsBucket bucket : response.aggregations().get("traces").sterms().buckets().array()) {
            counts.put(bucket.key().stringValue(),
                    new long[] {bucket.docCount(), bucket.aggregations().get("errors").filter().docCount()});
        }
        return counts;
    }
}
