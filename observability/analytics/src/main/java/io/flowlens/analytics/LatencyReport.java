package io.flowlens.analytics;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.aggregations.ArrayPercentilesItem;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeAggregate;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeAggregationSource;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeBucket;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.util.NamedValue;

/**
 * {@code analytics latency}: p50 / p95 / p99 of {@code duration_ms} per service and operation, over SERVER spans
 * only: they are what a caller waits for, while counting INTERNAL and database spans too would mix each request's
 * parts into its own percentiles. Percentiles are Elasticsearch's (t-digest: exact for small groups, approximate
 * for large ones).
 */
public final class LatencyReport {

    private static final int PAGE = 500;

    private final SpanStore store;

    public LatencyReport(SpanStore store) {
        this.store = store;
    }

    public void print(TimeWindow window, PrintStream out) throws IOException {
        out.println("Latency of SERVER spans per service and operation (ms), window " + window);
        TextTable table = new TextTable("SERVICE", "OPERATION", "COUNT", "P50", "P95", "P99");
        Map<String, FieldValue> after = null;
        // composite pages through every (service, name) pair however many operations there are
        while (true) {
            Map<String, FieldValue> afterKey = after;
            SearchResponse<Void> response = store.aggregate(SpanStore.all(window.query(), SpanStore.kind("SERVER")),
                    s -> s.aggregations("operations", a -> a.composite(c -> {
                        c.size(PAGE).sources(List.of(
                                NamedValue.of("service", CompositeAggregationSource.of(x -> x.terms(t -> t.field("service")))),
                                NamedValue.of("name", CompositeAggregationSource.of(x -> x.terms(t -> t.field("name"))))));
                        return afterKey == null ? c : c.after(afterKey);
                    }).aggregations("duration", d -> d.percentiles(p -> p.field("duration_ms")
                            .percents(50.0, 95.0, 99.0).keyed(false)))));
            CompositeAggregate operations = response.aggregations().get("operations").composite();
            for (CompositeBucket bucket : operations.buckets().array()) {
                List<ArrayPercentilesItem> percentiles = bucket.aggregations().get("duration").tdigestPercentiles()
                        .values().array();
                table.row(bucket.key().get("service").stringValue(), bucket.key().get("name").stringValue(),
                        bucket.docCount(), value(percentiles, 0), value(percentiles, 1), value(percentiles, 2));
            }
            if (operations.buckets().array().size() < PAGE || operations.afterKey().isEmpty()) {
                break;
            }
            after = operations.afterKey();
        }
        if (table.isEmpty()) {
            out.println("no SERVER spans in the window");
            return;
        }
        table.print(out);
    }

    private static String value(List<ArrayPercentilesItem> percentiles, int index) {
        Double value = percentiles.get(index).value();
        return value == null || value.isNaN() ? "n/a" : TextTable.millis(value);
    }
}
