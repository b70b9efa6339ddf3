package io.flowlens.analytics;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

import co.elastic.clients.elasticsearch._types.aggregations.DateHistogramBucket;
import co.elastic.clients.elasticsearch._types.aggregations.FieldDateMath;
import co.elastic.clients.elasticsearch.core.SearchResponse;

/**
 * {@code analytics volume}: spans, requests (SERVER spans: one per request a service answered) and error spans per
 * time bucket. Buckets are {@code --interval} long and aligned to the epoch in UTC, so the first and last may be cut
 * by the window; empty buckets are printed as 0 so a quiet minute shows as one.
 */
public final class VolumeReport {

    /** Elasticsearch refuses more than 65 536 buckets; a terminal is unreadable long before. */
    static final long MAX_BUCKETS = 10_000;

    private final SpanStore store;

    public VolumeReport(SpanStore store) {
        this.store = store;
    }

    public void print(TimeWindow window, Duration interval, PrintStream out) throws IOException {
        if (window.length().dividedBy(interval) > MAX_BUCKETS) {
            throw new UsageException("--interval " + TimeWindow.format(interval) + " makes more than " + MAX_BUCKETS
                    + " buckets in a " + TimeWindow.format(window.length()) + " window");
        }
        SearchResponse<Void> response = store.aggregate(window.query(), s -> s
                .aggregations("volume", a -> a.dateHistogram(h -> h.field("@timestamp")
                                .fixedInterval(t -> t.time(interval.toMillis() + "ms"))
                                .minDocCount(0)
                                .extendedBounds(b -> b.min(FieldDateMath.of(f -> f.value((double) window.start().toEpochMilli())))
                                        .max(FieldDateMath.of(f -> f.value((double) window.end().toEpochMilli() - 1)))))
                        .aggregations("requests", r -> r.filter(SpanStore.kind("SERVER")))
                        .aggregations("errors", e -> e.filter(SpanStore.errors()))));
        out.println("Span volume per " + TimeWindow.format(interval) + " (UTC), window " + window);
        TextTable table = new TextTable("TIME", "SPANS", "REQUESTS", "ERRORS");
        long spans = 0;
        long requests = 0;
        long errors = 0;
        for (DateHistogramBucket bucket : response.aggregations().get("volume").dateHistogram().buckets().array()) {
            long bucketRequests = bucket.aggregations().get("requests").filter().docCount();
            long bucketErrors = bucket.aggregations().get("errors").filter().docCount();
            table.row(Instant.ofEpochMilli(bucket.key()), bucket.docCount(), bucketRequests, bucketErrors);
            spans += bucket.docCount();
            requests += bucketRequests;
            errors += bucketErrors;
        }
        table.row("(total)", spans, requests, errors);
        table.print(out);
    }
}
