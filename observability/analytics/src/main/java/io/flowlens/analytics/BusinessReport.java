package io.flowlens.analytics;

import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

import co.elastic.clients.elasticsearch._types.aggregations.FiltersBucket;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;

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

    public BusinessReport(SpanStore store) {
        this.store = store;
    }

    public void print(TimeWindow window, PrintStream out) throws IOException {
        Map<String, Query> filters = new LinkedHashMap<>();
        filters.put("signups", succeeded("users.register"));
        filters.put("created", succeeded("orders.create"));
        filters.put("confirmed", succeeded("orders.confirm"));
        filters.put("authorize", named("payments.authorize"));
        filters.put("authorized", SpanStore.all(named("payments.authorize"),
                Query.of(q -> q.term(t -> t.field("flowlens.payment.status").value("AUTHORIZED")))));
        SearchResponse<Void> response = store.aggregate(window.query(), s -> s
                .aggregations("business", a -> a.filters(f -> f.filters(b -> b.keyed(filters)))));
        Map<String, FiltersBucket> buckets = response.aggregations().get("business").filters().buckets().keyed();
        long signups = buckets.get("signups").docCount();
        long created = buckets.get("created").docCount();
        long confirmed = buckets.get("confirmed").docCount();
        long authorize = buckets.get("authorize").docCount();
        long authorized = buckets.get("authorized").docCount();

        out.println("Business metrics from business spans, window " + window);
        new TextTable("METRIC", "VALUE", "FROM")
                .row("user sign-ups", signups, "successful users.register")
                .row("order completion rate %", TextTable.percent(confirmed, created),
                        confirmed + " successful orders.confirm / " + created + " successful orders.create")
                .row("payment success rate %", TextTable.percent(authorized, authorize),
                        authorized + " AUTHORIZED / " + authorize + " payments.authorize")
                .print(out);
    }

    private static Query named(String name) {
        return Query.of(q -> q.term(t -> t.field("name").value(name)));
    }

    private static Query succeeded(String name) {
        // "not an error" rather than error:false, so a writer that leaves out a false flag still counts
        return Query.of(q -> q.bool(b -> b.filter(named(name)).mustNot(SpanStore.errors())));
    }
}
