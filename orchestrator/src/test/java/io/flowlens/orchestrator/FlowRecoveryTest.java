package io.flowlens.orchestrator;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;

import io.flowlens.contracts.orders.model.Order;
import io.flowlens.contracts.orders.model.OrderStatus;
import io.flowlens.contracts.payments.model.Payment;
import io.flowlens.contracts.payments.model.PaymentStatus;
import io.flowlens.platform.db.TracedDatabase;
import io.flowlens.testing.MemorySpanExporterProvider;
import io.flowlens.testing.RecordedSpans;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItem;

/**
 * Runs left STARTED by an orchestrator that died mid-saga, recovered against the stand-in services: the test calls
 * the recovery round itself with a clock an hour ahead, so every run counts as stale.
 */
@HelidonTest
// the stand-in payments reads the real payments service's keys; these are its defaults
@AddConfig(key = "payments.limit", value = "1000.00")
@AddConfig(key = "payments.currencies", value = "USD,EUR,GBP")
// the scheduled round stays out of the way: the tests run their own rounds
@AddConfig(key = "io.flowlens.orchestrator.FlowRecovery.round.schedule.initial-delay", value = "3600")
class FlowRecoveryTest extends AgainstStandIns {

    private static final AtomicLong IDS = new AtomicLong(900_000);

    @Inject
    private FlowRunStore runs;

    @Inject
    private FlowRecovery recovery;

    @Inject
    private DownstreamServices services;

    @Inject
    private Tracer tracer;

    @Inject
    private Config config;

    @Inject
    private TracedDatabase database;

    /** A run left STARTED after its order was made, as a crash after "create order" leaves it. */
    private record Run(FlowRunStore.Run record, long runId, long orderId) {
    }

    private Run runWithOrder(OrderStatus status) {
        Order order = new Order().id(IDS.incrementAndGet()).userId(1L).amount(new BigDecimal("12.00")).currency("USD")
                .status(status).createdAt(OffsetDateTime.now(ZoneOffset.UTC));
        FakeDownstreams.ORDERS.put(order.getId(), order);
        FlowRunStore.Run run = runs.begin(null, 1, new BigDecimal("12.00"), "USD", "flow-recovery-test-" + order.getId());
        return new Run(run, runs.orderCreated(run, order.getId()), order.getId());
    }

    private static Payment authorizedPayment(long orderId) {
        Payment payment = new Payment().id(IDS.incrementAndGet()).orderId(orderId).amount(new BigDecimal("12.00"))
                .currency("USD").status(PaymentStatus.AUTHORIZED).createdAt(OffsetDateTime.now(ZoneOffset.UTC));
        FakeDownstreams.PAYMENTS.put(payment.getId(), payment);
        return payment;
    }

    @Test
    void aRunThatDiedAfterThePaymentIsCancelledAndVoided() {
        Run run = runWithOrder(OrderStatus.PENDING);
        long runId = run.runId();
        long orderId = run.orderId();
        Payment payment = authorizedPayment(orderId);

        recovery.recoverStale(anHourLater());

        assertThat(runs.outcome(runId).orElseThrow(), is(FlowRecovery.COMPENSATED));
        assertThat(FakeDownstreams.ORDERS.get(orderId).getStatus(), is(OrderStatus.CANCELLED));
        assertThat(FakeDownstreams.ORDERS.get(orderId).getCancelReason(), is("recovered: the orchestrator stopped before the flow ended"));
        assertThat(FakeDownstreams.VOIDED_ORDERS, hasItem(orderId));
        assertThat(FakeDownstreams.PAYMENTS.get(payment.getId()).getStatus(), is(PaymentStatus.VOIDED));

        SpanData recover = RecordedSpans.awaitSpan(s -> s.getName().equals("flow.recover")
                && Long.valueOf(orderId).equals(s.getAttributes().get(AttributeKey.longKey("flowlens.order.id"))),
                "flow.recover of order " + orderId, Duration.ofSeconds(5));
        assertThat(recover.getAttributes().get(AttributeKey.stringKey("flowlens.flow.outcome")), is(FlowRecovery.COMPENSATED));
    }

    @Test
    void aRunThatDiedAfterTheConfirmationIsCompletedAndLeftAlone() {
        Run run = runWithOrder(OrderStatus.CONFIRMED);
        long runId = run.runId();
        long orderId = run.orderId();
        Payment payment = authorizedPayment(orderId);

        recovery.recoverStale(anHourLater());

        assertThat(runs.outcome(runId).orElseThrow(), is(FlowRecovery.COMPLETED));
        assertThat(FakeDownstreams.ORDERS.get(orderId).getStatus(), is(OrderStatus.CONFIRMED));
        assertThat(FakeDownstreams.VOIDED_ORDERS, not(hasItem(orderId)));
        assertThat(FakeDownstreams.PAYMENTS.get(payment.getId()).getStatus(), is(PaymentStatus.AUTHORIZED));
    }

    @Test
    void aRunLeftStartedWithoutAnOrderIsAbandoned() {
        // as an orchestrator that wrote a run before its first call left it (runs are written at their order now)
        long runId = database.inNewTransaction(() -> database.insert("flow_runs", "INSERT INTO flow_runs (user_id,"
                + " amount, currency, outcome, started_at, idempotency_key) VALUES (1, 12.00, 'USD', 'STARTED', ?,"
                + " 'flow-recovery-test-no-order')", statement -> statement.setTimestamp(1, Timestamp.from(Instant.now()))));
        recovery.recoverStale(anHourLater());
        assertThat(runs.outcome(runId).orElseThrow(), is(FlowRecovery.ABANDONED));
    }

    @Test
    void aFinishedRunIsNeverRecovered() {
        Run run = runWithOrder(OrderStatus.PENDING);
        runs.finish(run.record(), run.orderId(), null, "PAYMENT_DECLINED");
        recovery.recoverStale(anHourLater());
        assertThat(runs.outcome(run.runId()).orElseThrow(), is("PAYMENT_DECLINED"));
        assertThat(FakeDownstreams.ORDERS.get(run.orderId()).getStatus(), is(OrderStatus.PENDING));
    }

    @Test
    void aFlowThatEndsAfterItsRecoveryKeepsTheRecoveredOutcome() {
        Run run = runWithOrder(OrderStatus.PENDING);
        recovery.recoverStale(anHourLater());
        assertThat(runs.finish(run.record(), run.orderId(), null, "COMPLETED"), is(false));
        assertThat(runs.outcome(run.runId()).orElseThrow(), is(FlowRecovery.COMPENSATED));
    }

    @Test
    void aRunIsNotStaleBeforeRecoveryAfter() {
        Run run = runWithOrder(OrderStatus.PENDING);
        recovery.recoverStale(Instant.now());
        assertThat(runs.outcome(run.runId()).orElseThrow(), is(FlowRunStore.STARTED));
        assertThat(FakeDownstreams.ORDERS.get(run.orderId()).getStatus(), is(OrderStatus.PENDING));
        recovery.recoverStale(anHourLater());
        assertThat(runs.outcome(run.runId()).orElseThrow(), is(FlowRecovery.COMPENSATED));
    }

    @Test
    void recoveryIsItsOwnTraceOfBusinessAndClientSpans() {
        Run run = runWithOrder(OrderStatus.PENDING);
        long runId = run.runId();
        long orderId = run.orderId();
        recovery.recoverStale(anHourLater());
        SpanData recover = RecordedSpans.awaitSpan(s -> s.getName().equals("flow.recover")
                && Long.valueOf(runId).equals(s.getAttributes().get(AttributeKey.longKey("flowlens.flow.run_id"))),
                "flow.recover of run " + runId, Duration.ofSeconds(5));
        List<SpanData> trace = RecordedSpans.awaitTrace(recover.getTraceId(), "flow.recover", Duration.ofSeconds(5));
        assertThat("GET order, cancel, void under flow.recover of order " + orderId + ": "
                        + trace.stream().map(SpanData::getName).toList(),
                trace.stream().filter(s -> s.getParentSpanId().equals(recover.getSpanId())
                        && s.getName().startsWith("HTTP ")).count(), is(3L));
    }

    @Test
    void twoOrchestratorsRacingOnOneDatabaseRecoverEachRunOnce() throws Exception {
        // a second orchestrator's recovery: its own claimant, the same database and services
        FlowRecovery other = new FlowRecovery(runs, services, tracer, config, Duration.ofMinutes(2));
        List<Run> stale = IntStream.range(0, 8).mapToObj(i -> runWithOrder(OrderStatus.PENDING)).toList();
        Instant now = anHourLater();
        CountDownLatch start = new CountDownLatch(1);
        Callable<Integer> first = () -> {
            start.await();
            return recovery.recoverStale(now);
        };
        Callable<Integer> second = () -> {
            start.await();
            return other.recoverStale(now);
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> rounds = List.of(pool.submit(first), pool.submit(second));
            start.countDown();
            for (Future<Integer> round : rounds) {
                round.get();
            }
        } finally {
            pool.shutdownNow();
        }

        List<Long> runIds = stale.stream().map(Run::runId).toList();
        assertThat(runIds.stream().map(id -> runs.outcome(id).orElseThrow()).toList(), everyItem(is(FlowRecovery.COMPENSATED)));
        // every recovery reads its order first: a run recovered twice reads it twice
        assertThat(stale.stream().map(run -> FakeDownstreams.ORDER_LOOKUPS.getOrDefault(run.orderId(), new AtomicInteger())
                .get()).toList(), everyItem(is(1)));
        for (Run run : stale) {
            RecordedSpans.awaitSpan(s -> isRecoveryOf(s, run.runId()), "flow.recover of run " + run.runId(),
                    Duration.ofSeconds(5));
        }
        // the rounds ended before the spans were exported, so a second span of a run would be among them by now
        assertThat(runIds.stream().map(id -> MemorySpanExporterProvider.SPANS.getFinishedSpanItems().stream()
                .filter(s -> isRecoveryOf(s, id)).count()).toList(), everyItem(is(1L)));
    }

    @Test
    void theClaimOfAnOrchestratorThatDiedExpiresAndTheRunIsRecoveredThen() {
        Run run = runWithOrder(OrderStatus.PENDING);
        Instant now = anHourLater();
        // an orchestrator claimed the run and died before it recovered it
        assertThat(runs.claimRecovery(run.runId(), "died-mid-recovery", now, now.plus(Duration.ofMinutes(2))), is(true));

        recovery.recoverStale(now.plus(Duration.ofMinutes(1)));
        assertThat("claimed by another orchestrator", runs.outcome(run.runId()).orElseThrow(), is(FlowRunStore.STARTED));
        assertThat(FakeDownstreams.ORDERS.get(run.orderId()).getStatus(), is(OrderStatus.PENDING));

        recovery.recoverStale(now.plus(Duration.ofMinutes(3))); // the claim ran until now + 2 min
        assertThat("claim expired", runs.outcome(run.runId()).orElseThrow(), is(FlowRecovery.COMPENSATED));
        assertThat(FakeDownstreams.ORDERS.get(run.orderId()).getStatus(), is(OrderStatus.CANCELLED));
    }

    private static boolean isRecoveryOf(SpanData span, long runId) {
        return span.getName().equals("flow.recover")
                && Long.valueOf(runId).equals(span.getAttributes().get(AttributeKey.longKey("flowlens.flow.run_id")));
    }

    private static Instant anHourLater() {
        return Instant.now().plus(Duration.ofHours(1));
    }
}
