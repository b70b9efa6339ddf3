package io.flowlens.analytics;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeAggregate;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeAggregationSource;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeBucket;
import co.elastic.clients.elasticsearch._types.aggregations.StringTermsBucket;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.util.NamedValue;
import io.flowlens.exporter.elasticsearch.SpanFields;

/**
 * {@code analytics consistency}: do Jaeger and the span indices hold the same spans? Per trace, the spans Jaeger
 * returns are compared by id with the span documents; missing ones (lost on the way to Elasticsearch) and extra ones
 * (lost on the way to Jaeger) are listed.
 *
 * <p>Which traces: those named by {@code --trace}, or every trace with a span starting in the window in either
 * store (Jaeger searched per service, its services and the indexed ones). Both sides are then read whole, also
 * spans outside the window, so a trace cut by the window's edge is not reported as inconsistent. Spans arrive in
 * the two stores seconds apart: for a window ending now, recent traces may look incomplete on one side.
 */
public final class ConsistencyReport {

    private static final int BATCH = 500;

    private final SpanStore store;
    private final JaegerTraces jaeger;

    public ConsistencyReport(SpanStore store, JaegerTraces jaeger) {
        this.store = store;
        this.jaeger = jaeger;
    }

    public List<TraceComparison.TraceDiff> compareTraces(List<String> traceIds, int maxSpans) throws IOException {
        Map<String, List<IndexedSpan>> fromJaeger = new LinkedHashMap<>();
        for (String id : traceIds) {
            fromJaeger.put(id, jaeger.trace(id));
        }
        Map<String, List<IndexedSpan>> fromElasticsearch = elasticsearchSpans(traceIds, maxSpans);
        for (String id : traceIds) {
            fromElasticsearch.putIfAbsent(id, List.of());
        }
        return TraceComparison.compare(fromJaeger, fromElasticsearch);
    }

    public List<TraceComparison.TraceDiff> compareWindow(TimeWindow window, int maxTraces, int maxSpans)
            throws IOException {
        Map<String, Long> indexedServices = servicesIn(window);
        Set<String> services = new TreeSet<>(jaeger.services());
        services.addAll(indexedServices.keySet());
        Map<String, List<IndexedSpan>> fromJaeger = new HashMap<>();
        for (String service : services) {
            fromJaeger.putAll(jaeger.find(service, window, maxTraces));
        }
        Set<String> traceIds = new TreeSet<>(traceIdsIn(window, maxTraces));
        // traces only Elasticsearch saw in the window (or beyond Jaeger's search limit) are fetched one by one
        for (String id : traceIds) {
            if (!fromJaeger.containsKey(id)) {
                fromJaeger.put(id, jaeger.trace(id));
            }
        }
        traceIds.addAll(fromJaeger.keySet());
        if (traceIds.size() > maxTraces) {
            throw new IllegalStateException(traceIds.size() + " traces in the window, more than --max-traces "
                    + maxTraces + "; narrow --window");
        }
        return TraceComparison.compare(fromJaeger, elasticsearchSpans(List.copyOf(traceIds), maxSpans));
    }

    /** Where the two sides were read, for a report's heading. */
    public String describeStores() {
        return "Jaeger " + jaeger.baseUrl() + " and Elasticsearch " + store.indexPattern();
    }

    /** Every span of the given traces, wherever in time, by trace id. */
    private Map<String, List<IndexedSpan>> elasticsearchSpans(List<String> traceIds, int maxSpans) throws IOException {
        Map<String, List<IndexedSpan>> spans = new LinkedHashMap<>();
        for (int from = 0; from < traceIds.size(); from += BATCH) {
            List<FieldValue> batch = traceIds.subList(from, Math.min(traceIds.size(), from + BATCH)).stream()
                    .map(FieldValue::of).toList();
            for (IndexedSpan span : store.spans(Query.of(q -> q.terms(t -> t.field(SpanFields.TRACE_ID)
                    .terms(v -> v.value(batch)))), maxSpans)) {
                spans.computeIfAbsent(span.traceId(), id -> new ArrayList<>()).add(span);
            }
        }
        return spans;
    }

    private Map<String, Long> servicesIn(TimeWindow window) throws IOException {
        SearchResponse<Void> response = store.aggregate(window.query(),
                s -> s.aggregations("services", a -> a.terms(t -> t.field(SpanFields.SERVICE).size(1000))));
        Map<String, Long> services = new LinkedHashMap<>();
        for (StringTermsBucket bucket : response.aggregations().get("services").sterms().buckets().array()) {
            services.put(bucket.key().stringValue(), bucket.docCount());
        }
        return services;
    }

    /** Trace ids with a span in the window, paged through a composite aggregation, at most {@code max} + 1. */
    private List<String> traceIdsIn(TimeWindow window, int max) throws IOException {
        List<String> ids = new ArrayList<>();
        Map<String, FieldValue> after = null;
        while (ids.size() <= max) {
            Map<String, FieldValue> afterKey = after;
            SearchResponse<Void> response = store.aggregate(window.query(), s -> s.aggregations("traces",
                    a -> a.composite(c -> {
                        c.size(BATCH).sources(List.of(NamedValue.of("trace_id",
                                CompositeAggregationSource.of(x -> x.terms(t -> t.field(SpanFields.TRACE_ID))))));
                        return afterKey == null ? c : c.after(afterKey);
                    })));
            CompositeAggregate traces = response.aggregations().get("traces").composite();
            for (CompositeBucket bucket : traces.buckets().array()) {
                ids.add(bucket.key().get("trace_id").stringValue());
            }
            if (traces.buckets().array().size() < BATCH || traces.afterKey().isEmpty()) {
                break;
            }
            after = traces.afterKey();
        }
        return ids;
    }
}
