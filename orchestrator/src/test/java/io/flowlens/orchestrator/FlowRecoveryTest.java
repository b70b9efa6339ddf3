package io.flowlens.orchestrator;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.flowlens.contracts.orders.model.Order;
import io.flowlens.contracts.orders.model.OrderStatus;
import io.flowlens.contracts.payments.model.Payment;
import io.flowlens.contracts.payments.model.PaymentStatus;
import io.flowlens.testing.RecordedSpans;
import io.flowlens.testing.StandInUsers;
import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItem;

/**
 * Runs left STARTED by an orchestrator that died mid-saga, recovered against the stand-in services: the test calls
 * the recovery round itself with a clock an hour ahead, so every run counts as stale.
 */
@HelidonTest
@AddBean(StandInUsers.class)
@AddBean(FakeDownstreams.Orders.class)
@AddBean(FakeDownstreams.Payments.class)
@AddConfig(key = "server.port", value = "${flowlens.test.port}")
@AddConfig(key = "users/mp-rest/url", value = "http://localhost:${flowlens.test.port}/fake")
@AddConfig(key = "orders/mp-rest/url", value = "http://localhost:${flowlens.test.port}/fake")
@AddConfig(key = "payments/mp-rest/url", value = "http://localhost:${flowlens.test.port}/fake")
// the stand-in payments reads the real payments service's keys; these are its defaults
@AddConfig(key = "payments.limit", value = "1000.00")
@AddConfig(key = "payments.currencies", value = "USD,EUR,GBP")
// the scheduled round stays out of the way: the tests run their own rounds
@AddConfig(key = "io.flowlens.orchestrator.FlowRecovery.round.schedule.initial-delay", value = "3600")
class FlowRecoveryTest {

    private static final AtomicLong IDS = new AtomicLong(900_000);

    @Inject
    private FlowRunStore runs;

    @Inject
    private FlowRecovery recovery;

    /** A run left STARTED after its order was made, as a crash after "create order" leaves it. */
    private record Run(long runId, long orderId) {
    }

    private Run runWithOrder(OrderStatus status) {
        Order order = new Order().id(IDS.incrementAndGet()).userId(1L).amount(new BigDecimal("12.00")).currency("USD")
                .status(status).createdAt(OffsetDateTime.now(ZoneOffset.UTC));
        FakeDownstreams.ORDERS.put(order.getId(), order);
        long runId = runs.start(null, 1, new BigDecimal("12.00"), "USD", "flow-recovery-test-" + order.getId());
        runs.orderCreated(runId, order.getId());
        return new Run(runId, order.getId());
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
    void aRunThatDiedBeforeItsOrderIsAbandoned() {
        long runId = runs.start(null, 1, new BigDecimal("12.00"), "USD", "flow-recovery-test-no-order");
        recovery.recoverStale(anHourLater());
        assertThat(runs.outcome(runId).orElseThrow(), is(FlowRecovery.ABANDONED));
    }

    @Test
    void aFinishedRunIsNeverRecovered() {
        Run run = runWithOrder(OrderStatus.PENDING);
        runs.finish(run.runId(), run.orderId(), null, "PAYMENT_DECLINED");
        recovery.recoverStale(anHourLater());
        assertThat(runs.outcome(run.runId()).orElseThrow(), is("PAYMENT_DECLINED"));
        assertThat(FakeDownstreams.ORDERS.get(run.orderId()).getStatus(), is(OrderStatus.PENDING));
    }

    @Test
    void aFlowThatEndsAfterItsRecoveryKeepsTheRecoveredOutcome() {
        Run run = runWithOrder(OrderStatus.PENDING);
        recovery.recoverStale(anHourLater());
        assertThat(runs.finish(run.runId(), run.orderId(), null, "COMPLETED"), is(false));
        assertThat(runs.outcome(run.runId()).orElseThrow(), is(FlowRecovery.COMPENSATED));
    }

    @Test
    void aRunIsNotStaleBeforeRecoveryAfter() {
        long runId = runs.start(null, 1, new BigDecimal("12.00"), "USD", "flow-recovery-test-young");
        recovery.recoverStale(Instant.now());
        assertThat(runs.outcome(runId).orElseThrow(), is(FlowRunStore.STARTED));
        recovery.recoverStale(anHourLater());
        assertThat(runs.outcome(runId).orElseThrow(), is(FlowRecovery.ABANDONED));
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

    private static Instant anHourLater() {
        return Instant.now().plus(Duration.ofHours(1));
    }
}
