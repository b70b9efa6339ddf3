package io.flowlens.analytics;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Optional;

import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code query '<lucene query>'}: the number of matching spans and the newest {@code --limit} of them. The text is
 * Lucene {@code query_string} syntax over the fields of FIELDS.md ({@code service: "orders"},
 * {@code duration_ms: >1000}, {@code method: "POST" AND error: true}); without {@code --window} all indexed spans are
 * searched.
 */
public final class SpanSearch {

    private final SpanStore store;

    public SpanSearch(SpanStore store) {
        this.store = store;
    }

    public void print(String queryText, Optional<TimeWindow> window, int limit, PrintStream out) throws IOException {
        Query text = Query.of(q -> q.queryString(s -> s.query(queryText)));
        Query query = window.map(w -> SpanStore.all(text, w.query())).orElse(text);
        SearchResponse<JsonNode> response = store.search(s -> s.query(query).size(limit)
                .trackTotalHits(t -> t.enabled(true))
                .sort(o -> o.field(f -> f.field("@timestamp").order(SortOrder.Desc))), JsonNode.class);
        long count = response.hits().total() == null ? response.hits().hits().size() : response.hits().total().value();
        out.println(count + " spans match " + queryText + window.map(w -> " in window " + w).orElse(" (all time)"));
        if (count == 0) {
            return;
        }
        TextTable table = new TextTable("TIME", "SERVICE", "NAME", "DURATION_MS", "STATUS_CODE", "TRACE_ID");
        for (Hit<JsonNode> hit : response.hits().hits()) {
            JsonNode source = hit.source();
            IndexedSpan span = IndexedSpan.fromSource(source);
            table.row(span.start(), span.service(), span.name(), TextTable.millis(span.durationMs()),
                    IndexedSpan.text(source, "status_code").orElse("-"), span.traceId());
        }
        out.println("newest " + response.hits().hits().size() + ":");
        table.print(out);
    }
}
