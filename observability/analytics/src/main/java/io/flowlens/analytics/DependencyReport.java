package io.flowlens.analytics;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import io.flowlens.exporter.elasticsearch.SpanFields;

/**
 * {@code analytics dependencies}: the service map caller → callee with call and error counts.
 *
 * <p>Joined here, not in Elasticsearch: the join is CLIENT {@code span_id} = SERVER {@code parent_span_id}, and a
 * {@code terms} aggregation on {@code parent_span_id} can count a SERVER span's parent but cannot say which service
 * that parent belongs to (no joins, and the target cluster has no scripts to carry it across). So the CLIENT and
 * SERVER spans of the window are read, only the few fields the join needs, paged and capped by {@code --max-spans},
 * and {@link ServiceDependencies} joins them. A SERVER span that started just after the window's end is looked up
 * by its parent id, so calls at the edge are not reported as unanswered.
 */
public final class DependencyReport {

    private static final int LOOKUP_BATCH = 1000;

    private final SpanStore store;

    public DependencyReport(SpanStore store) {
        this.store = store;
    }

    /** Edges sorted by caller, then callee. */
    public List<ServiceDependencies.Call> measure(TimeWindow window, int maxSpans) throws IOException {
        Query clientsAndServers = Query.of(q -> q.bool(b -> b.filter(window.query())
                .filter(f -> f.terms(t -> t.field(SpanFields.KIND).terms(v -> v.value(List.of(FieldValue.of("CLIENT"),
                        FieldValue.of("SERVER"))))))));
        List<IndexedSpan> spans = new ArrayList<>(store.spans(clientsAndServers, maxSpans));
        spans.addAll(serversOutside(window, spans, maxSpans));
        return ServiceDependencies.derive(spans);
    }

    /** SERVER children of the window's unanswered non-database CLIENT spans that started after the window. */
    private List<IndexedSpan> serversOutside(TimeWindow window, List<IndexedSpan> spans, int maxSpans)
            throws IOException {
        Set<String> answered = new HashSet<>();
        for (IndexedSpan span : spans) {
            if (span.kind().equals("SERVER")) {
                answered.add(span.traceId() + "/" + span.parentSpanId());
            }
        }
        List<FieldValue> unanswered = spans.stream()
                .filter(s -> s.kind().equals("CLIENT") && s.dbSystem().isEmpty())
                .filter(s -> !answered.contains(s.traceId() + "/" + s.spanId()))
                .map(s -> FieldValue.of(s.spanId())).toList();
        List<IndexedSpan> found = new ArrayList<>();
        for (int from = 0; from < unanswered.size(); from += LOOKUP_BATCH) {
            List<FieldValue> batch = unanswered.subList(from, Math.min(unanswered.size(), from + LOOKUP_BATCH));
            Query children = Query.of(q -> q.bool(b -> b.filter(SpanStore.kind("SERVER"))
                    .filter(f -> f.range(r -> r.date(d -> d.field(SpanFields.TIMESTAMP).gte(window.end().toString()))))
                    .filter(f -> f.terms(t -> t.field(SpanFields.PARENT_SPAN_ID).terms(v -> v.value(batch))))));
            found.addAll(store.spans(children, maxSpans));
        }
        return found;
    }
}
