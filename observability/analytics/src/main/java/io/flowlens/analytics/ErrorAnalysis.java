package io.flowlens.analytics;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import io.flowlens.exporter.elasticsearch.SpanFields;

/**
 * The error analysis panel's trend and details: error spans per service over time, and the newest error spans with
 * what went wrong (the first exception's type and message, else {@code error.type} and the status message), each with
 * its trace id. The totals per service are {@link ErrorRateReport}'s.
 */
public final class ErrorAnalysis {

    /** Far more services than a system has; a terms aggregation this size is still exact and cheap. */
    private static final int MAX_SERVICES = 1000;

    /** Error spans per service in the bucket starting at {@code start}; services without errors are left out. */
    public record Bucket(Instant start, Map<String, Long> errors) {
    }

    /** One error span; {@code exceptionType} and {@code exceptionMessage} empty when it recorded no exception. */
    public record ErrorSpan(IndexedSpan span, String exceptionType, String exceptionMessage, String errorType,
                            String statusMessage) {

        static ErrorSpan fromSource(JsonNode source) {
            return new ErrorSpan(IndexedSpan.fromSource(source),
                    IndexedSpan.text(source, SpanFields.EXCEPTION_TYPE).orElse(""),
                    IndexedSpan.text(source, SpanFields.EXCEPTION_MESSAGE).orElse(""),
                    IndexedSpan.text(source, SpanFields.ERROR_TYPE).orElse(""),
                    IndexedSpan.text(source, SpanFields.STATUS_MESSAGE).orElse(""));
        }
    }

    private final SpanStore store;

    public ErrorAnalysis(SpanStore store) {
        this.store = store;
    }

    /** Buckets of {@code interval} aligned to the epoch, in time order, empty ones included. */
    public List<Bucket> trend(TimeWindow window, Duration interval) throws IOException {
        SearchResponse<Void> response = store.aggregate(SpanStore.all(window.query(), SpanStore.errors()), s -> s
                .aggregations("trend", a -> a.dateHistogram(VolumeReport.buckets(window, interval))
                        .aggregations("services", t -> t.terms(x -> x.field(SpanFields.SERVICE).size(MAX_SERVICES)))));
        return response.aggregations().get("trend").dateHistogram().buckets().array().stream()
                .map(bucket -> {
                    Map<String, Long> errors = new TreeMap<>();
                    bucket.aggregations().get("services").sterms().buckets().array()
                            .forEach(service -> errors.put(service.key().stringValue(), service.docCount()));
                    return new Bucket(Instant.ofEpochMilli(bucket.key()), errors);
                })
                .toList();
    }

    /** The newest {@code limit} error spans of the window, newest first. */
    public List<ErrorSpan> latest(TimeWindow window, int limit) throws IOException {
        return store.search(s -> s.query(SpanStore.all(window.query(), SpanStore.errors())).size(limit)
                        .sort(o -> o.field(f -> f.field(SpanFields.TIMESTAMP).order(SortOrder.Desc))), JsonNode.class)
                .hits().hits().stream().map(Hit::source).map(ErrorSpan::fromSource).toList();
    }
}
