package io.flowlens.analytics;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import io.flowlens.exporter.elasticsearch.SpanFields;

/**
 * The orchestrator's full-flow runs: one {@code flow.run} span each, newest first, with the business outcome its
 * attributes record. The orchestrator sets {@code flowlens.flow.outcome} only on a flow that ended normally
 * ({@code COMPLETED}, {@code PAYMENT_DECLINED}); a flow that threw has none, and it was compensated (order cancelled,
 * payments voided) exactly when it had created an order ({@code flowlens.order.id}), else it simply failed. Each run
 * also carries its trace's retries and injected faults ({@link FlowTraceFacts}).
 */
public final class FlowRuns {

    static final String FLOW_SPAN = "flow.run";
    static final String OUTCOME = SpanFields.FLOWLENS_PREFIX + "flow.outcome";
    static final String USER_ID = SpanFields.FLOWLENS_PREFIX + "user.id";
    static final String ORDER_ID = SpanFields.FLOWLENS_PREFIX + "order.id";
    static final String PAYMENT_ID = SpanFields.FLOWLENS_PREFIX + "payment.id";
    static final String AMOUNT = SpanFields.FLOWLENS_PREFIX + "amount";
    static final String CURRENCY = SpanFields.FLOWLENS_PREFIX + "currency";

    /** What became of a run, as a person reading the list would group them. */
    public enum Outcome {
        COMPLETED, DECLINED, COMPENSATED, FAILED;

        /**
         * The outcome named by {@code text}.
         *
         * @throws UsageException for a name that is none of the four (any case)
         */
        public static Outcome parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new UsageException("'" + text + "' is not an outcome: completed, declined, compensated or failed");
            }
        }

        /** From the span's recorded outcome (absent when the flow threw) and whether it had created an order. */
        static Outcome of(Optional<String> recorded, boolean orderCreated) {
            if (recorded.isPresent()) {
                return recorded.get().equals("COMPLETED") ? COMPLETED : DECLINED;
            }
            return orderCreated ? COMPENSATED : FAILED;
        }

        /**
         * The same grouping as {@link #of}, as a query, so a filter and the list agree. {@code match}, not
         * {@code term}: the template does not map {@code flowlens.flow.outcome}, so it is dynamically text (analysed,
         * lower-cased), where a term query for {@code COMPLETED} finds nothing; match works on text and keyword alike.
         */
        Query query() {
            Query recorded = Query.of(q -> q.exists(e -> e.field(OUTCOME)));
            Query order = Query.of(q -> q.exists(e -> e.field(ORDER_ID)));
            Query completed = Query.of(q -> q.match(m -> m.field(OUTCOME).query("COMPLETED")));
            return switch (this) {
                case COMPLETED -> completed;
                case DECLINED -> Query.of(q -> q.bool(b -> b.filter(recorded).mustNot(completed)));
                case COMPENSATED -> Query.of(q -> q.bool(b -> b.filter(order).mustNot(recorded)));
                case FAILED -> Query.of(q -> q.bool(b -> b.mustNot(recorded).mustNot(order)));
            };
        }
    }

    /**
     * One run. Ids are {@code null} when the run did not get that far.
     *
     * @param recordedOutcome {@code flowlens.flow.outcome} as the orchestrator wrote it, empty when the flow threw
     */
    public record FlowRun(IndexedSpan span, Outcome outcome, String recordedOutcome, Long userId, Long orderId,
                          Long paymentId, Double amount, String currency, String statusMessage, int retries,
                          List<String> faults) {

        /** This run with what its trace says about retries and injected faults. */
        FlowRun with(FlowTraceFacts.Facts facts) {
            return new FlowRun(span, outcome, recordedOutcome, userId, orderId, paymentId, amount, currency,
                    statusMessage, facts.retries(), facts.faults());
        }

        static FlowRun fromSource(JsonNode source) {
            Optional<String> recorded = IndexedSpan.text(source, OUTCOME);
            Optional<Long> order = IndexedSpan.text(source, ORDER_ID).map(Long::valueOf);
            return new FlowRun(IndexedSpan.fromSource(source), Outcome.of(recorded, order.isPresent()),
                    recorded.orElse(""), IndexedSpan.text(source, USER_ID).map(Long::valueOf).orElse(null),
                    order.orElse(null), IndexedSpan.text(source, PAYMENT_ID).map(Long::valueOf).orElse(null),
                    IndexedSpan.text(source, AMOUNT).map(Double::valueOf).orElse(null),
                    IndexedSpan.text(source, CURRENCY).orElse(""),
                    IndexedSpan.text(source, SpanFields.STATUS_MESSAGE).orElse(""), 0, List.of());
        }
    }

    private final SpanStore store;

    public FlowRuns(SpanStore store) {
        this.store = store;
    }

    /** The newest {@code limit} runs that started in the window, of one outcome or all, of one user or all. */
    public List<FlowRun> recent(TimeWindow window, Optional<Outcome> outcome, Optional<Long> userId, int limit)
            throws IOException {
        Query any = Query.of(q -> q.matchAll(m -> m));
        Query flows = SpanStore.all(window.query(),
                Query.of(q -> q.term(t -> t.field(SpanFields.NAME).value(FLOW_SPAN))),
                outcome.map(Outcome::query).orElse(any),
                userId.map(id -> Query.of(q -> q.term(t -> t.field(USER_ID).value(id)))).orElse(any));
        return read(flows, limit);
    }

    /** The run of one trace, whenever it ran (a link from a trace to its flow); empty when the trace has none. */
    public List<FlowRun> ofTrace(String traceId) throws IOException {
        return read(SpanStore.all(Query.of(q -> q.term(t -> t.field(SpanFields.TRACE_ID).value(traceId))),
                Query.of(q -> q.term(t -> t.field(SpanFields.NAME).value(FLOW_SPAN)))), 10);
    }

    private List<FlowRun> read(Query flows, int limit) throws IOException {
        List<FlowRun> runs = store.search(s -> s.query(flows).size(limit)
                        .sort(o -> o.field(f -> f.field(SpanFields.TIMESTAMP).order(SortOrder.Desc))), JsonNode.class)
                .hits().hits().stream().map(Hit::source).map(FlowRun::fromSource).toList();
        Map<String, FlowTraceFacts.Facts> facts = new FlowTraceFacts(store)
                .of(runs.stream().map(run -> run.span().traceId()).toList());
        return runs.stream().map(run -> run.with(facts.getOrDefault(run.span().traceId(), FlowTraceFacts.Facts.NONE)))
                .toList();
    }
}
