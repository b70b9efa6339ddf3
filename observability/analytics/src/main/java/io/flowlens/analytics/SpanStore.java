package io.flowlens.analytics;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.elasticsearch._types.ExpandWildcard;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.util.ObjectBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import io.flowlens.exporter.elasticsearch.SpanFields;
import io.flowlens.exporter.elasticsearch.SpanIndex;

/**
 * The span documents of every daily index {@code <prefix>-*}, searched through one client. Reports build their own
 * aggregations; this class owns the index pattern, the bounded paged read the client-side joins need, and the
 * translation of "cannot connect" into a {@link BackendUnreachableException} that names the endpoint.
 */
public final class SpanStore implements AutoCloseable {

    private static final int PAGE = 1000;

    private final ElasticsearchClient client;
    private final SpanIndex index;
    /** The endpoint, or a cluster's endpoints comma-separated, as errors name them. */
    private final String endpoint;

    public SpanStore(ElasticsearchClient client, SpanIndex index, String endpoint) {
        this.client = client;
        this.index = index;
        this.endpoint = endpoint;
    }

    /** A store on a new client for these settings; closing the store closes the client. */
    public static SpanStore open(FlowlensSettings settings) {
        return new SpanStore(settings.connection().open(), settings.spanIndex(), settings.connection().endpoints().stream()
                .map(URI::toString).collect(Collectors.joining(",")));
    }

    public SpanIndex index() {
        return index;
    }

    public String indexPattern() {
        return index.pattern();
    }

    /** A search over the span indices; the request's index is set here so no report can forget it. */
    public <T> SearchResponse<T> search(Function<SearchRequest.Builder, ObjectBuilder<SearchRequest>> request,
                                        Class<T> documentClass) throws IOException {
        // a pattern that matches no index yet (nothing exported so far) answers empty instead of failing
        SearchRequest search = request.apply(new SearchRequest.Builder()
                .index(indexPattern()).ignoreUnavailable(true).allowNoIndices(true)).build();
        return call(() -> client.search(search, documentClass));
    }

    /** Aggregations only: no hits, exact totals. */
    public SearchResponse<Void> aggregate(Query query,
                                          Function<SearchRequest.Builder, SearchRequest.Builder> aggregations)
            throws IOException {
        return search(s -> aggregations.apply(s.size(0).trackTotalHits(t -> t.enabled(true)).query(query)), Void.class);
    }

    /** How many spans match {@code query}, exactly. */
    public long count(Query query) throws IOException {
        return aggregate(query, s -> s).hits().total().value();
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
                        .sort(o -> o.field(f -> f.field(SpanFields.TRACE_ID).order(SortOrder.Asc)))
                        .sort(o -> o.field(f -> f.field(SpanFields.SPAN_ID).order(SortOrder.Asc)));
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

    /** The names of the indices matching {@code <prefix>-*}, open or closed, sorted. */
    public SortedSet<String> indexNames() throws IOException {
        return new TreeSet<>(call(() -> client.indices().get(g -> g.index(indexPattern())
                .expandWildcards(ExpandWildcard.Open, ExpandWildcard.Closed))).indices().keySet());
    }

    /** Deletes one index by its full name (never a pattern: a wildcard here could take other data with it). */
    public void deleteIndex(String name) throws IOException {
        if (name.contains("*") || name.contains(",")) {
            throw new IllegalArgumentException("not one index name: " + name);
        }
        call(() -> client.indices().delete(d -> d.index(name)));
    }

    /** Query for spans of one kind ({@code SERVER}, {@code CLIENT}, ...). */
    public static Query kind(String kind) {
        return Query.of(q -> q.term(t -> t.field(SpanFields.KIND).value(kind)));
    }

    /** Query for {@code error: true}. */
    public static Query errors() {
        return Query.of(q -> q.term(t -> t.field(SpanFields.ERROR).value(true)));
    }

    /** All of the given filters (no scoring). */
    public static Query all(Query... filters) {
        return Query.of(q -> q.bool(b -> b.filter(List.of(filters))));
    }

    /** The root cause Elasticsearch gave, e.g. the query_string parse error behind "all shards failed". */
    public static String reason(ErrorCause error) {
        if (error == null) {
            return "no reason given";
        }
        ErrorCause deepest = error;
        List<ErrorCause> roots = error.rootCause();
        if (!roots.isEmpty()) {
            deepest = roots.get(0);
        }
        StringBuilder reason = new StringBuilder(deepest.type() + ": " + deepest.reason());
        for (ErrorCause cause = deepest.causedBy(); cause != null; cause = cause.causedBy()) {
            reason.append("; ").append(cause.reason());
        }
        return reason.toString();
    }

    @Override
    public void close() throws IOException {
        client._transport().close();
    }

    /** One request; a refused connection becomes an exception that says where Elasticsearch was looked for. */
    private <T> T call(ElasticsearchCall<T> request) throws IOException {
        try {
            return request.run();
        } catch (IOException | RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof ConnectException) {
                    throw new BackendUnreachableException("cannot reach Elasticsearch at " + endpoint + " ("
                            + cause.getMessage() + ")", e);
                }
            }
            throw e;
        }
    }

    @FunctionalInterface
    private interface ElasticsearchCall<T> {
        T run() throws IOException;
    }
}
