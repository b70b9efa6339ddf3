package io.flowlens.analytics;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.aggregations.ArrayPercentilesItem;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeAggregate;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeAggregationSource;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeBucket;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.util.NamedValue;
import io.flowlens.exporter.elasticsearch.SpanFields;

/**
 * {@code analytics latency}: p50 / p95 / p99 of {@code duration_ms} per service and operation, over SERVER spans
 * only: they are what a caller waits for, while counting INTERNAL and database spans too would mix each request's
 * parts into its own percentiles. Percentiles are Elasticsearch's (t-digest: exact for small groups, approximate
 * for large ones).
 */
public final class LatencyReport {

    private static final int PAGE = 500;

    private final SpanStore store;

    /**
     * One operation's SERVER spans.
     *
     * @param p50 milliseconds; {@code null} when Elasticsearch had no value (likewise p95, p99)
     */
    public record Operation(String service, String name, long count, Double p50, Double p95, Double p99) {
    }

    public LatencyReport(SpanStore store) {
        this.store = store;
    }

    /** Sorted by service, then operation name. */
    public List<Operation> measure(TimeWindow window) throws IOException {
        List<Operation> operations = new ArrayList<>();
        Map<String, FieldValue> after = null;
        // composite pages through every (service, name) pair however many operations there are
        while (true) {
            Map<String, FieldValue> afterKey = after;
            SearchResponse<Void> response = store.aggregate(SpanStore.all(window.query(), SpanStore.kind("SERVER")),
                    s -> s.aggregations("operations", a -> a.composite(c -> {
                        c.size(PAGE).sources(List.of(
                                NamedValue.of("service", terms(SpanFields.SERVICE)),
                                NamedValue.of("name", terms(SpanFields.NAME))));
                        return afterKey == null ? c : c.after(afterKey);
                    }).aggregations("duration", d -> d.percentiles(p -> p.field(SpanFields.DURATION_MS)
                            .percents(50.0, 95.0, 99.0).keyed(false)))));
            CompositeAggregate page = response.aggregations().get("operations").composite();
            for (CompositeBucket bucket : page.buckets().array()) {
                List<ArrayPercentilesItem> percentiles = bucket.aggregations().get("duration").tdigestPercentiles()
                        .values().array();
                operations.add(new Operation(bucket.key().get("service").stringValue(),
                        bucket.key().get("name").stringValue(), bucket.docCount(), value(percentiles, 0),
                        value(percentiles, 1), value(percentiles, 2)));
            }
            if (page.buckets().array().size() < PAGE || page.afterKey().isEmpty()) {
                return operations;
            }
            after = page.afterKey();
        }
    }

    private static CompositeAggregationSource terms(String field) {
        return CompositeAggregationSource.of(x -> x.terms(t -> t.field(field)));
    }

    private static Double value(List<ArrayPercentilesItem> percentiles, int index) {
        Double value = percentiles.get(index).value();
        return value == null || value.isNaN() ? null : value;
    }
}
