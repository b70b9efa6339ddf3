package io.flowlens.analytics;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import co.elastic.clients.elasticsearch._types.aggregations.DateHistogramAggregation;
import co.elastic.clients.elasticsearch._types.aggregations.FieldDateMath;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import io.flowlens.exporter.elasticsearch.SpanFields;

/**
 * {@code analytics volume}: spans, requests (SERVER spans: one per request a service answered) and error spans per
 * time bucket. Buckets are {@code interval} long and aligned to the epoch in UTC, so the first and last may be cut
 * by the window; empty buckets are there with 0 so a quiet minute shows as one.
 */
public final class VolumeReport {

    /** Elasticsearch refuses more than 65 536 buckets; a terminal is unreadable long before. */
    static final long MAX_BUCKETS = 10_000;

    private final SpanStore store;

    /** One time bucket starting at {@code start}. */
    public record Bucket(Instant start, long spans, long requests, long errors) {
    }

    public VolumeReport(SpanStore store) {
        this.store = store;
    }

    /**
     * A histogram of {@code interval} buckets aligned to the epoch over the whole window, empty buckets included (the
     * error trend uses it too).
     *
     * @throws UsageException for more than {@link #MAX_BUCKETS} buckets
     */
    static DateHistogramAggregation buckets(TimeWindow window, Duration interval) {
        if (window.length().dividedBy(interval) > MAX_BUCKETS) {
            throw new UsageException("interval " + TimeWindow.format(interval) + " makes more than " + MAX_BUCKETS
                    + " buckets in a " + TimeWindow.format(window.length()) + " window");
        }
        return DateHistogramAggregation.of(h -> h.field(SpanFields.TIMESTAMP)
                .fixedInterval(t -> t.time(interval.toMillis() + "ms"))
                .minDocCount(0)
                .extendedBounds(b -> b
                        .min(FieldDateMath.of(f -> f.value((double) window.start().toEpochMilli())))
                        .max(FieldDateMath.of(f -> f.value((double) window.end().toEpochMilli() - 1)))));
    }

    /** Buckets in time order, empty ones included. */
    public List<Bucket> measure(TimeWindow window, Duration interval) throws IOException {
        SearchResponse<Void> response = store.aggregate(window.query(), s -> s
                .aggregations("volume", a -> a.dateHistogram(buckets(window, interval))
                        .aggregations("requests", r -> r.filter(SpanStore.kind("SERVER")))
                        .aggregations("errors", e -> e.filter(SpanStore.errors()))));
        return response.aggregations().get("volume").dateHistogram().buckets().array().stream()
                .map(bucket -> new Bucket(Instant.ofEpochMilli(bucket.key()), bucket.docCount(),
                        bucket.aggregations().get("requests").filter().docCount(),
                        bucket.aggregations().get("errors").filter().docCount()))
                .toList();
    }
}
