package io.flowlens.console;

import java.util.List;

import io.flowlens.analytics.SpanSearch;

/** The search view: how many span documents match a Lucene query, and the newest of them, each linking to its trace. */
public record SearchView(String query, String window, long total, List<Row> spans) {

    /** One matching span; {@code statusCode} is {@code null} on a span that is not HTTP. */
    public record Row(String start, String service, String name, String kind, double durationMs, boolean error,
                      Integer statusCode, String traceId, String spanId) {
    }

    /** The seed's saved searches (the CLI README's examples), one click away on the page. */
    static final List<String> EXAMPLES = List.of("error: true", "service: \"orders\"", "duration_ms: >1000",
            "method: \"POST\" AND duration_ms: >500", "flowlens.payment.status: DECLINED", "flowlens.compensation: true",
            "name: \"flow.run\"");

    static SearchView of(String query, String window, SpanSearch.Matches matches) {
        return new SearchView(query, window, matches.total(), matches.newest().stream().map(m -> new Row(
                m.span().start().toString(), m.span().service(), m.span().name(), m.span().kind(), m.span().durationMs(),
                m.span().error(), m.statusCode(), m.span().traceId(), m.span().spanId())).toList());
    }
}
