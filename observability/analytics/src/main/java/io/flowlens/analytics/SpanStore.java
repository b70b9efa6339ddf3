package io.flowlens.analytics;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.util.ObjectBuilder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The span documents of every daily index {@code <prefix>-*}, searched through one client. Reports build their own
 * aggregations; this class owns the index pattern and the bounded paged read the client-side joins need.
 */
public final class SpanStore implements AutoCloseable {

    private static final int PAGE = 1000;

    private final ElasticsearchClient client;
    private final String indexPattern;

    public SpanStore(ElasticsearchClient client, String indexPattern) {
        this.client = client;
        this.indexPattern = indexPattern;
    }

    public ElasticsearchClient client() {
        return client;
    }

    public String indexPattern() {
        return indexPattern;
    }

    /** A search over the span indices; the request's index is set here so no report can forget it. */
    public <T> SearchResponse<T> search(Function<SearchRequest.Builder, ObjectBuilder<SearchRequest>> request,
                                        Class<T> documentClass) throws IOException {
        SearchRequest.Builder builder = new SearchRequest.Builder();
        request.apply(builder);
        // a pattern that matches no index yet (nothing exported so far) answers empty instead of failing
        return client.search(builder.index(indexPattern).ignoreUnavailable(true).allowNoIndices(true).build(),
                documentClass);
    }

    /** Aggregations only: no hits, exact totals. */
    public SearchResponse<Void> aggregate(Query query,
                                          Function<SearchRequest.Builder, SearchRequest.Builder> aggregations)
            throws IOException {
        return search(s -> aggregations.apply(s.size(0).trackTotalHits(t -> t.enabled(true)).query(query)), Void.class);
    }

    /**
     * Every span matching {@code query}, paged with {@code search_after} on (trace_id, span_id), which is unique
     * per span and needs no point-in-time. Fails past {@code maxSpans} rather than reading without bound: the
     * caller should narrow its window.
     */
    public List<IndexedSpan> spans(Query query, int maxSpans) throws IOException {
        List<IndexedSpan> spans = new ArrayList<>();
        List<FieldValue> after = null;
        while (true) {
            List<FieldValue> searchAfter = after;
            SearchResponse<JsonNode> page = search(s -> {
                s.size(PAGE).query(query).trackTotalHits(t -> t.enabled(false))
                        .source(src -> src.filter(f -> f.includes(IndexedSpan.SOURCE_FIELDS)))
                        .sort(o -> o.field(f -> f.field("trace_id").order(SortOrder.Asc)))
                        .sort(o -> o.field(f -> f.field("span_id").order(SortOrder.Asc)));
                return searchAfter == null ? s : s.searchAfter(searchAfter);
            }, JsonNode.class);
            List<Hit<JsonNode>> hits = page.hits().hits();
            for (Hit<JsonNode> hit : hits) {
                spans.add(IndexedSpan.fromSource(hit.source()));
            }
            if (spans.size() > maxSpans) {
                throw new IllegalStateException("more than " + maxSpans + " spans to read; narrow --window or raise "
                        + "--max-spans");
            }
            if (hits.size() < PAGE) {
                return spans;
            }
            after = hits.get(hits.size() - 1).sort();
        }
    }

    /** Query for spans of one kind ({@code SERVER}, {@code CLIENT}, ...). */
    public static Query kind(String kind) {
        return Query.of(q -> q.term(t -> t.field("kind").value(kind)));
    }

    /** Query for {@code error: true}. */
    public static Query errors() {
        return Query.of(q -> q.term(t -> t.field("error").value(true)));
    }

    /** All of the given filters (no scoring). */
    public static Query all(Query... filters) {
        return Query.of(q -> q.bool(b -> b.filter(List.of(filters))));
    }

    @Override
    public void close() throws IOException {
        client._transport().close();
    }
}
