package io.flowlens.orchestrator;

import java.math.BigDecimal;
import java.util.function.Supplier;
import java.util.logging.Logger;

import io.flowlens.contracts.orchestrator.model.FlowOutcome;
import io.flowlens.contracts.orchestrator.model.FlowResult;
import io.flowlens.contracts.orchestrator.model.FlowStep;
import io.flowlens.contracts.orders.client.model.Order;
import io.flowlens.contracts.orders.client.model.OrderCreate;
import io.flowlens.contracts.payments.client.model.Payment;
import io.flowlens.contracts.payments.client.model.PaymentCreate;
import io.flowlens.contracts.payments.client.model.PaymentStatus;
import io.flowlens.contracts.payments.client.model.PaymentVoid;
import io.flowlens.platform.tracing.BusinessSpan;
import io.flowlens.platform.problem.ProblemException;
import io.flowlens.platform.problem.Problems;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import static io.flowlens.platform.tracing.FlowlensAttributes.AMOUNT;
import static io.flowlens.platform.tracing.FlowlensAttributes.CURRENCY;
import static io.flowlens.platform.tracing.FlowlensAttributes.ORDER_ID;
import static io.flowlens.platform.tracing.FlowlensAttributes.PAYMENT_ID;
import static io.flowlens.platform.tracing.FlowlensAttributes.USER_ID;

/**
 * The full flow as a saga: user → order → payment → confirm. A declined payment is compensated by cancelling the
 * order; a payment or confirmation that failed (or whose answer never came) by cancelling the order and then voiding
 * the order's payments, so a charge that lands after all is undone. Every write carries an Idempotency-Key derived
 * from the flow's, which is what makes the clients' retries safe. Everything runs inside one {@code flow.run} span,
 * so the whole flow is one trace.
 */
@ApplicationScoped
public class FullFlow {

    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("flowlens.flow.outcome");
    /** True on a flow.run span whose run had been finished by recovery before the flow itself ended. */
    static final AttributeKey<Boolean> OUTCOME_SUPERSEDED = AttributeKey.booleanKey("flowlens.flow.outcome_superseded");
    private static final Logger LOGGER = Logger.getLogger(FullFlow.class.getName());
    private static final int MAX_REASON_LENGTH = 200;

    private final DownstreamServices services;
    private final FlowRunStore runs;
    private final Tracer tracer;

    @Inject
    public FullFlow(DownstreamServices services, FlowRunStore runs, Tracer tracer) {
        this.services = services;
        this.runs = runs;
        this.tracer = tracer;
    }

    /**
     * Runs the saga. Every downstream write gets a key derived from the flow's ({@code <key>:order},
     * {@code <key>:payment}, ...): a client retry within this run and a retried flow with the caller's key both find
     * the order and payment the first attempt made instead of charging again (the flow's own answer is replayed by
     * the IdempotencyFilter). Without a caller key the run makes up its own, so its retries are just as safe.
     */
    public FlowResult run(long userId, BigDecimal amount, String currency, String callerKey) {
        String idempotencyKey = IdempotencyKeys.orNew(callerKey, "flow");
        Attributes attributes = Attributes.of(USER_ID, userId, AMOUNT, amount.doubleValue(), CURRENCY, currency);
        return BusinessSpan.call(tracer, "flow.run", attributes, span -> {
            FlowResult result = new FlowResult().traceId(Problems.currentTraceId()).userId(userId);
            FlowRunStore.Run run = runs.begin(result.getTraceId(), userId, amount, currency, idempotencyKey);
            try {
                execute(result, span, amount, currency, idempotencyKey, run);
                recordOutcome(span, run, result, result.getOutcome().name());
                return result;
            } catch (RuntimeException failure) {
                recordOutcome(span, run, result, "FAILED");
                throw failure;
            }
        });
    }

    /** A run that recovery finished already keeps recovery's outcome; the span says the flow came too late. */
    private void recordOutcome(Span span, FlowRunStore.Run run, FlowResult result, String outcome) {
        if (!runs.finish(run, result.getOrderId(), result.getPaymentId(), outcome)) {
            long runId = run.id().orElseThrow(); // only a run written before its end can have been recovered
            span.setAttribute(OUTCOME_SUPERSEDED, true);
            LOGGER.warning(() -> "flow run " + runId + " ended " + outcome + " after recovery had finished it; kept "
                    + runs.outcome(runId).orElse("?"));
        }
    }

    private void execute(FlowResult result, Span span, BigDecimal amount, String currency, String key,
                         FlowRunStore.Run run) {
        step(result, FlowStep.NameEnum.GET_USER, 200, () -> services.getUser(result.getUserId()));
        Order order = step(result, FlowStep.NameEnum.CREATE_ORDER, 201, () -> services.createOrder(
                new OrderCreate().userId(result.getUserId()).amount(amount).currency(currency)
                        .description("full-flow demo order"), IdempotencyKeys.forStep(key, "order")));
        result.orderId(order.getId()).orderStatus(order.getStatus());
        span.setAttribute(ORDER_ID, order.getId());
        runs.orderCreated(run, order.getId());

        Payment payment;
        try {
            payment = step(result, FlowStep.NameEnum.AUTHORIZE_PAYMENT, 201, () -> services.authorize(
                    new PaymentCreate().orderId(order.getId()).amount(amount).currency(currency), IdempotencyKeys.forStep(key, "payment")));
        } catch (RuntimeException paymentFailure) {
            // the order exists but we do not know whether it was charged: cancel it, then void whatever got through
            throw compensate(result, order.getId(), "payment failed: " + paymentFailure.getMessage(), key, paymentFailure);
        }
        result.paymentId(payment.getId()).paymentStatus(payment.getStatus()).declineReason(payment.getDeclineReason());
        span.setAttribute(PAYMENT_ID, payment.getId());

        if (payment.getStatus() == PaymentStatus.AUTHORIZED) {
            Order confirmed;
            try {
                confirmed = step(result, FlowStep.NameEnum.CONFIRM_ORDER, 200,
                        () -> services.confirmOrder(order.getId(), payment.getId(), IdempotencyKeys.forStep(key, "confirm")));
            } catch (RuntimeException confirmFailure) {
                // charged but not confirmed: an order that would be swept to CANCELLED later with its payment kept
                throw compensate(result, order.getId(), "confirmation failed: " + confirmFailure.getMessage(), key,
                        confirmFailure);
            }
            result.orderStatus(confirmed.getStatus()).outcome(FlowOutcome.COMPLETED);
        } else {
            cancelOrder(result, order.getId(), "payment declined: " + payment.getDeclineReason(), key);
            result.outcome(FlowOutcome.PAYMENT_DECLINED);
        }
        span.setAttribute(OUTCOME, result.getOutcome().name());
    }

    /**
     * Cancels the order, then voids its payments: in that order, because a cancelled order can no longer be
     * confirmed, so no payment is voided for an order that completes. Answers the step's failure, to be thrown; a
     * compensation that fails itself is attached to it (the order then waits for the orders service's sweeper).
     */
    private RuntimeException compensate(FlowResult result, long orderId, String reason, String key,
                                        RuntimeException failure) {
        String why = reason.length() > MAX_REASON_LENGTH ? reason.substring(0, MAX_REASON_LENGTH) : reason;
        try {
            cancelOrder(result, orderId, why, key);
            PaymentVoid voided = step(result, FlowStep.NameEnum.VOID_PAYMENT, 200,
                    () -> services.voidPayments(orderId, why, IdempotencyKeys.forStep(key, "void")));
            if (result.getPaymentId() != null && voided.getVoidedPaymentIds().contains(result.getPaymentId())) {
                result.paymentStatus(PaymentStatus.VOIDED);
            }
        } catch (RuntimeException compensationFailure) {
            failure.addSuppressed(compensationFailure);
        }
        return failure;
    }

    /** The CANCEL_ORDER step, for a declined payment and as the first half of {@link #compensate}. */
    private void cancelOrder(FlowResult result, long orderId, String reason, String key) {
        Order cancelled = step(result, FlowStep.NameEnum.CANCEL_ORDER, 200,
                () -> services.cancelOrder(orderId, reason, IdempotencyKeys.forStep(key, "cancel")));
        result.orderStatus(cancelled.getStatus());
    }

    /** Runs one step and records it: its duration and the HTTP status the callee answered (the contract's on success). */
    private static <T> T step(FlowResult result, FlowStep.NameEnum name, int successStatus, Supplier<T> call) {
        long start = System.nanoTime();
        FlowStep step = new FlowStep().name(name);
        result.addStepsItem(step);
        try {
            T value = call.get();
            step.status(FlowStep.StatusEnum.OK).httpStatus(successStatus);
            return value;
        } catch (ProblemException problem) {
            step.status(FlowStep.StatusEnum.FAILED).httpStatus(problem.status()).detail(problem.getMessage());
            throw problem;
        } catch (RuntimeException failure) {
            step.status(FlowStep.StatusEnum.FAILED).detail(failure.getClass().getSimpleName() + ": " + failure.getMessage());
            throw failure;
        } finally {
            step.durationMs((System.nanoTime() - start) / 1_000_000);
        }
    }
}
