package io.flowlens.analytics;

import java.io.IOException;
import java.util.Comparator;
import java.util.List;

import co.elastic.clients.elasticsearch._types.aggregations.StringTermsBucket;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import io.flowlens.exporter.elasticsearch.SpanFields;

/** {@code analytics errors}: spans, error spans and error rate per service over a window (all span kinds). */
public final class ErrorRateReport {

    /** Far more services than a system has; a terms aggregation this size is still exact and cheap. */
    private static final int MAX_SERVICES = 1000;

    private final SpanStore store;

    public ErrorRateReport(SpanStore store) {
        this.store = store;
    }

    /** Per service, sorted by name. The alert rules and the report read the same numbers. */
    public List<ServiceErrors> measure(TimeWindow window) throws IOException {
        SearchResponse<Void> response = store.aggregate(window.query(), s -> s
                .aggregations("services", a -> a.terms(t -> t.field(SpanFields.SERVICE).size(MAX_SERVICES))
                        .aggregations("errors", e -> e.filter(SpanStore.errors()))));
        List<StringTermsBucket> buckets = response.aggregations().get("services").sterms().buckets().array();
        return buckets.stream()
                .map(b -> new ServiceErrors(b.key().stringValue(), b.docCount(),
                        b.aggregations().get("errors").filter().docCount()))
                .sorted(Comparator.comparing(ServiceErrors::service))
                .toList();
    }
}
