package io.flowlens.analytics;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import io.flowlens.exporter.elasticsearch.SpanFields;

/**
 * {@code query '<lucene query>'}: the number of matching spans and the newest {@code limit} of them. The text is
 * Lucene {@code query_string} syntax over the fields of FIELDS.md ({@code service: "orders"},
 * {@code duration_ms: >1000}, {@code method: "POST" AND error: true}), or KQL as Kibana's saved searches write it
 * ({@code duration_ms > 1000}), translated by {@link KqlQuery}; without a window all indexed spans are searched.
 */
public final class SpanSearch {

    private final SpanStore store;

    /** One matching span; {@code statusCode} is {@code null} on a span that is not HTTP. */
    public record Match(IndexedSpan span, Integer statusCode) {
    }

    /** How many spans match, and the newest of them, newest first. */
    public record Matches(long total, List<Match> newest) {
    }

    /** The query languages the search box and the CLI accept. */
    public enum Language {
        LUCENE, KQL;

        /**
         * The language named by {@code text}, any case.
         *
         * @throws UsageException for another name
         */
        public static Language parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new UsageException("'" + text + "' is not a query language: kql or lucene");
            }
        }
    }

    public SpanSearch(SpanStore store) {
        this.store = store;
    }

    /**
     * The spans matching a Lucene query string, newest first.
     *
     * @throws UsageException when Elasticsearch cannot parse the query text (it is the user's to fix)
     */
    public Matches search(String queryText, Optional<TimeWindow> window, int limit) throws IOException {
        return search(queryText, Language.LUCENE, window, limit);
    }

    /**
     * The spans matching a query in either language, newest first.
     *
     * @throws UsageException when the KQL is malformed or outside {@link KqlQuery}'s subset, or Elasticsearch cannot
     *                        parse the query text
     */
    public Matches search(String queryText, Language language, Optional<TimeWindow> window, int limit)
            throws IOException {
        String lucene = language == Language.KQL ? KqlQuery.parse(queryText).toLucene() : queryText;
        Query text = Query.of(q -> q.queryString(s -> s.query(lucene)));
        Query query = window.map(w -> SpanStore.all(text, w.query())).orElse(text);
        SearchResponse<JsonNode> response;
        try {
            response = store.search(s -> s.query(query).size(limit)
                    .trackTotalHits(t -> t.enabled(true))
                    .sort(o -> o.field(f -> f.field(SpanFields.TIMESTAMP).order(SortOrder.Desc))), JsonNode.class);
        } catch (ElasticsearchException e) {
            if (e.status() == 400) {
                throw new UsageException("Elasticsearch cannot run the query: " + SpanStore.reason(e.error()));
            }
            throw e;
        }
        List<Match> newest = response.hits().hits().stream().map(Hit::source).map(source -> new Match(
                IndexedSpan.fromSource(source),
                IndexedSpan.text(source, SpanFields.STATUS_CODE).map(Integer::valueOf).orElse(null))).toList();
        long total = response.hits().total() == null ? newest.size() : response.hits().total().value();
        return new Matches(total, newest);
    }
}
