package io.flowlens.analytics;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import io.flowlens.exporter.elasticsearch.SpanFields;

/**
 * {@code analytics slowest}: the traces whose entry span started in the window and took longest. A trace's duration
 * is its entry span's: the entry encloses everything the request did.
 *
 * <p>The entry span is not "the span without a parent": a request that arrives with a caller's {@code traceparent}
 * (every k6 request, any traced client) has a parent, in the caller's process, which is not indexed. So the entry
 * is the span whose parent is not among the trace's spans ({@link #entrySpan}). Elasticsearch cannot ask "parent
 * not in the same trace", so candidates are read longest first and their traces read whole, until no unread trace
 * can be slower than the ones found.
 */
public final class SlowestTracesReport {

    /** Candidate spans per page, and trace ids per read of whole traces. */
    private static final int PAGE = 200;
    /** Spans of the candidate traces read per page at most; a trace larger than that is not a request. */
    private static final int MAX_TRACE_SPANS = 200_000;

    private static final Comparator<SlowTrace> SLOWEST_FIRST = Comparator
            .comparingDouble((SlowTrace t) -> t.entry().durationMs()).reversed()
            .thenComparing(t -> t.entry().traceId());

    private final SpanStore store;

    /** One trace: its entry span, and how many spans and error spans it has (wherever in time they fell). */
    public record SlowTrace(IndexedSpan entry, long spans, long errors) {
    }

    public SlowestTracesReport(SpanStore store) {
        this.store = store;
    }

    /**
     * The entry span of one trace: the span whose parent is not in the trace (none, or a remote caller's). When
     * spans were lost on the way, several spans qualify; the earliest is the closest to the request's start (the
     * longest breaks a tie).
     */
    public static Optional<IndexedSpan> entrySpan(Collection<IndexedSpan> trace) {
        Set<String> ids = trace.stream().map(IndexedSpan::spanId).collect(Collectors.toSet());
        return trace.stream()
                .filter(span -> span.hasNoParent() || !ids.contains(span.parentSpanId()))
                .min(Comparator.comparing(IndexedSpan::start)
                        .thenComparing(Comparator.comparingDouble(IndexedSpan::durationMs).reversed())
                        .thenComparing(IndexedSpan::spanId));
    }

    /** Up to {@code limit} traces, slowest first (trace id breaks ties). */
    public List<SlowTrace> measure(TimeWindow window, int limit) throws IOException {
        Map<String, SlowTrace> found = new LinkedHashMap<>();
        Set<String> examined = new HashSet<>();
        List<FieldValue> after = null;
        while (true) {
            List<FieldValue> searchAfter = after;
            // every span of the window, longest first: a trace's entry span is one of them
            SearchResponse<JsonNode> page = store.search(s -> {
                s.size(PAGE).query(window.query()).trackTotalHits(t -> t.enabled(false))
                        .source(src -> src.filter(f -> f.includes(SpanFields.TRACE_ID, SpanFields.DURATION_MS)))
                        .sort(o -> o.field(f -> f.field(SpanFields.DURATION_MS).order(SortOrder.Desc)))
                        .sort(o -> o.field(f -> f.field(SpanFields.TRACE_ID).order(SortOrder.Asc)))
                        .sort(o -> o.field(f -> f.field(SpanFields.SPAN_ID).order(SortOrder.Asc)));
                return searchAfter == null ? s : s.searchAfter(searchAfter);
            }, JsonNode.class);
            List<Hit<JsonNode>> hits = page.hits().hits();
            Set<String> unread = new LinkedHashSet<>();
            for (Hit<JsonNode> hit : hits) {
                String traceId = hit.source().path(SpanFields.TRACE_ID).asText();
                if (examined.add(traceId)) {
                    unread.add(traceId);
                }
            }
            for (SlowTrace trace : readTraces(unread)) {
                if (window.contains(trace.entry().start())) {
                    found.put(trace.entry().traceId(), trace);
                }
            }
            List<SlowTrace> slowest = found.values().stream().sorted(SLOWEST_FIRST).limit(limit).toList();
            if (hits.size() < PAGE) {
                return slowest;
            }
            // a trace not read yet has no span in the window longer than this page's last, so neither its entry
            double floor = hits.get(hits.size() - 1).source().path(SpanFields.DURATION_MS).asDouble();
            if (slowest.size() == limit && slowest.get(limit - 1).entry().durationMs() > floor) {
                return slowest;
            }
            after = hits.get(hits.size() - 1).sort();
        }
    }

    /** The given traces read whole, each with its entry span. */
    private List<SlowTrace> readTraces(Collection<String> traceIds) throws IOException {
        if (traceIds.isEmpty()) {
            return List.of();
        }
        List<FieldValue> ids = traceIds.stream().map(FieldValue::of).toList();
        Map<String, List<IndexedSpan>> traces = store.spans(Query.of(q -> q.terms(t -> t.field(SpanFields.TRACE_ID)
                .terms(v -> v.value(ids)))), MAX_TRACE_SPANS).stream()
                .collect(Collectors.groupingBy(IndexedSpan::traceId, LinkedHashMap::new, Collectors.toList()));
        List<SlowTrace> slowTraces = new ArrayList<>();
        for (List<IndexedSpan> trace : traces.values()) {
            entrySpan(trace).ifPresent(entry -> slowTraces.add(new SlowTrace(entry, trace.size(),
                    trace.stream().filter(IndexedSpan::error).count())));
        }
        return slowTraces;
    }
}
