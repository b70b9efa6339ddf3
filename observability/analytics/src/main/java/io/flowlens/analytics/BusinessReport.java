package io.flowlens.analytics;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import co.elastic.clients.elasticsearch._types.aggregations.FiltersBucket;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import io.flowlens.exporter.elasticsearch.SpanFields;

/**
 * {@code analytics business}: what the business spans say about the business. "Successful" means the span is not
 * an error (no {@code error: true}); one {@code filters} aggregation counts everything in a single request.
 * <ul>
 *   <li>sign-ups: successful {@code users.register} spans;</li>
 *   <li>order completion rate: successful {@code orders.confirm} / successful {@code orders.create};</li>
 *   <li>payment success rate: {@code payments.authorize} with {@code flowlens.payment.status: AUTHORIZED} / all
 *       {@code payments.authorize}.</li>
 * </ul>
 */
public final class BusinessReport {

    private final SpanStore store;

    /**
     * The counts behind the three metrics.
     *
     * @param signups    successful {@code users.register}
     * @param created    successful {@code orders.create}
     * @param confirmed  successful {@code orders.confirm}
     * @param authorize  every {@code payments.authorize}
     * @param authorized {@code payments.authorize} with {@code flowlens.payment.status: AUTHORIZED}
     */
    public record Metrics(long signups, long created, long confirmed, long authorize, long authorized) {
    }

    public BusinessReport(SpanStore store) {
        this.store = store;
    }

    public Metrics measure(TimeWindow window) throws IOException {
        Map<String, Query> filters = new LinkedHashMap<>();
        filters.put("signups", succeeded("users.register"));
        filters.put("created", succeeded("orders.create"));
        filters.put("confirmed", succeeded("orders.confirm"));
        filters.put("authorize", named("payments.authorize"));
        filters.put("authorized", SpanStore.all(named("payments.authorize"),
                Query.of(q -> q.term(t -> t.field(SpanFields.FLOWLENS_PAYMENT_STATUS).value("AUTHORIZED")))));
        SearchResponse<Void> response = store.aggregate(window.query(), s -> s
                .aggregations("business", a -> a.filters(f -> f.filters(b -> b.keyed(filters)))));
        Map<String, FiltersBucket> buckets = response.aggregations().get("business").filters().buckets().keyed();
        return new Metrics(buckets.get("signups").docCount(), buckets.get("created").docCount(),
                buckets.get("confirmed").docCount(), buckets.get("authorize").docCount(),
                buckets.get("authorized").docCount());
    }

    private static Query named(String name) {
        return Query.of(q -> q.term(t -> t.field(SpanFields.NAME).value(name)));
    }

    private static Query succeeded(String name) {
        // "not an error" rather than error:false, so a writer that leaves out a false flag still counts
        return Query.of(q -> q.bool(b -> b.filter(named(name)).mustNot(SpanStore.errors())));
    }
}
