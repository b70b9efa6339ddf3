package io.flowlens.analytics;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
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
 *
 * <p>A window with more of those spans than {@code maxSpans} (a busy hour: ~12 per flow) is measured on a sample of
 * whole traces, those whose id starts below a bound, and its counts are scaled up to the window: trace ids are random,
 * so the sample is unbiased, and a join never leaves its trace. It used to fail instead, which left the console's
 * map a 500 after about five flows a second for an hour.
 */
public final class DependencyReport {

    private static final int LOOKUP_BATCH = 1000;
    /** Traces are sampled by their first four hex digits: 65 536 slices of equal expected size. */
    private static final int TRACE_ID_SLICES = 1 << 16;
    /** The sample aims below {@code maxSpans}: how many spans a share of the traces holds varies around its mean. */
    private static final double SAMPLE_AIM = 0.8;

    private final SpanStore store;

    public DependencyReport(SpanStore store) {
        this.store = store;
    }

    /**
     * The edges of a window and the share of its traces they were measured on.
     *
     * @param calls      edges sorted by caller, then callee; when {@code traceShare} is below 1, calls and errors are
     *                   the sample's divided by the share (rounded) and p95 is the sample's
     * @param traceShare 1 when every CLIENT and SERVER span of the window was read, else the sampled share of traces
     */
    public record Dependencies(List<ServiceDependencies.Call> calls, double traceShare) {

        public boolean estimated() {
            return traceShare < 1;
        }

        /** The sample: traces whose id starts below these four hex digits (read only when {@link #estimated}). */
        public String traceIdsBelow() {
            return traceIdPrefix(Math.round(traceShare * TRACE_ID_SLICES));
        }
    }

    public Dependencies measure(TimeWindow window, int maxSpans) throws IOException {
        Query clientsAndServers = Query.of(q -> q.bool(b -> b.filter(window.query())
                .filter(f -> f.terms(t -> t.field(SpanFields.KIND).terms(v -> v.value(List.of(FieldValue.of("CLIENT"),
                        FieldValue.of("SERVER"))))))));
        long total = store.count(clientsAndServers);
        if (total <= maxSpans) {
            return new Dependencies(calls(window, clientsAndServers, maxSpans), 1);
        }
        int bound = (int) Math.max(1, SAMPLE_AIM * maxSpans / total * TRACE_ID_SLICES);
        while (bound > 1 && store.count(sampled(clientsAndServers, bound)) > maxSpans) {
            bound /= 2;
        }
        double share = (double) bound / TRACE_ID_SLICES;
        List<ServiceDependencies.Call> calls = calls(window, sampled(clientsAndServers, bound), maxSpans).stream()
                .map(c -> new ServiceDependencies.Call(c.caller(), c.callee(), Math.round(c.calls() / share),
                        Math.round(c.errors() / share), c.p95Ms()))
                .toList();
        return new Dependencies(calls, share);
    }

    private List<ServiceDependencies.Call> calls(TimeWindow window, Query clientsAndServers, int maxSpans)
            throws IOException {
        List<IndexedSpan> spans = new ArrayList<>(store.spans(clientsAndServers, maxSpans));
        spans.addAll(serversOutside(window, spans, maxSpans));
        return ServiceDependencies.derive(spans);
    }

    /** The spans of the traces whose id, read as hex, starts below {@code bound} of {@link #TRACE_ID_SLICES}. */
    private static Query sampled(Query spans, int bound) {
        String below = traceIdPrefix(bound);
        return SpanStore.all(spans, Query.of(q -> q.range(r -> r.term(t -> t.field(SpanFields.TRACE_ID).lt(below)))));
    }

    /** A slice as the first four hex digits of a trace id: the range bound and what the reports print. */
    private static String traceIdPrefix(long slice) {
        return String.format(Locale.ROOT, "%04x", slice);
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
