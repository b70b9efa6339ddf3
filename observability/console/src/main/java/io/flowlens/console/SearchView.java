package io.flowlens.console;

import java.util.List;
import java.util.Locale;

import io.flowlens.analytics.SpanSearch;

/** The search view: how many span documents match a KQL (or Lucene) query, and the newest, each linking to its trace. */
public record SearchView(String query, String language, String window, long total, List<Row> spans) {

    /** One matching span; {@code statusCode} is {@code null} on a span that is not HTTP. */
    public record Row(String start, String service, String name, String kind, double durationMs, boolean error,
                      Integer statusCode, String traceId, String spanId) {
    }

    static SearchView of(String query, SpanSearch.Language language, String window, SpanSearch.Matches matches) {
        return new SearchView(query, language.name().toLowerCase(Locale.ROOT), window, matches.total(),
                matches.newest().stream().map(m -> new Row(
                m.span().start().toString(), m.span().service(), m.span().name(), m.span().kind(), m.span().durationMs(),
                m.span().error(), m.statusCode(), m.span().traceId(), m.span().spanId())).toList());
    }
}
