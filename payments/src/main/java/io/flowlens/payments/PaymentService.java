package io.flowlens.payments;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.flowlens.contracts.payments.model.DeclineReason;
import io.flowlens.contracts.payments.model.Payment;
import io.flowlens.contracts.payments.model.PaymentCreate;
import io.flowlens.contracts.payments.model.PaymentStatus;
import io.flowlens.contracts.payments.model.PaymentVoid;
import io.flowlens.contracts.payments.model.PaymentVoidRequest;
import io.flowlens.platform.tracing.BusinessSpan;
import io.flowlens.platform.problem.Money;
import io.flowlens.platform.problem.ProblemException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import static io.flowlens.platform.tracing.FlowlensAttributes.AMOUNT;
import static io.flowlens.platform.tracing.FlowlensAttributes.CURRENCY;
import static io.flowlens.platform.tracing.FlowlensAttributes.ERROR_TYPE;
import static io.flowlens.platform.tracing.FlowlensAttributes.ORDER_ID;
import static io.flowlens.platform.tracing.FlowlensAttributes.PAYMENT_ID;

/** Authorizing payments: applies the {@link AuthorizationPolicy} and records every decision. */
@ApplicationScoped
public class PaymentService {

    static final AttributeKey<String> STATUS = AttributeKey.stringKey("flowlens.payment.status");
    static final AttributeKey<String> VOID_REASON = AttributeKey.stringKey("flowlens.void.reason");
    static final AttributeKey<Long> VOIDED_COUNT = AttributeKey.longKey("flowlens.payment.voided_count");

    private final PaymentStore store;
    private final AuthorizationPolicy policy;
    private final Tracer tracer;

    @Inject
    public PaymentService(PaymentStore store, Tracer tracer,
                          @ConfigProperty(name = "payments.limit") BigDecimal limit,
                          @ConfigProperty(name = "payments.currencies") List<String> currencies) {
        this.store = store;
        this.tracer = tracer;
        this.policy = new AuthorizationPolicy(limit, Set.copyOf(currencies));
    }

    /**
     * Decides and records a payment in one transaction. A decline is an outcome, not an error: the span carries
     * {@code flowlens.payment.status=DECLINED} and the reason in {@code error.type} (as a caller's 4xx does), and its
     * status stays unset, so declines do not count as errors in the error rate. An order whose payments were voided
     * is declined with ORDER_CANCELLED: the order's lock makes a void and an authorization of it take turns, so the
     * later one sees the earlier one's outcome.
     */
    public Payment authorize(PaymentCreate request) {
        BigDecimal amount = Money.requireCents(request.getAmount(), "amount");
        Attributes attributes = Attributes.of(ORDER_ID, request.getOrderId(), AMOUNT, amount.doubleValue(),
                CURRENCY, request.getCurrency());
        return BusinessSpan.call(tracer, "payments.authorize", attributes, span -> {
            long orderId = request.getOrderId();
            Payment payment = store.inTransaction(() -> {
                store.lockOrder(orderId);
                Optional<DeclineReason> reason = store.isVoided(orderId)
                        ? Optional.of(DeclineReason.ORDER_CANCELLED)
                        : policy.decline(amount, request.getCurrency());
                PaymentStatus status = reason.isPresent() ? PaymentStatus.DECLINED : PaymentStatus.AUTHORIZED;
                return store.insert(orderId, amount, request.getCurrency(), status, reason.orElse(null));
            });
            Optional<DeclineReason> decline = Optional.ofNullable(payment.getDeclineReason());
            span.setAttribute(PAYMENT_ID, payment.getId());
            span.setAttribute(STATUS, payment.getStatus().name());
            decline.ifPresent(reason -> span.setAttribute(ERROR_TYPE, reason.name()));
            return payment;
        });
    }

    /** The saga's compensation for an order that was cancelled: its authorized payments become VOIDED. */
    public PaymentVoid voidOrder(PaymentVoidRequest request) {
        Attributes attributes = Attributes.of(ORDER_ID, request.getOrderId(), VOID_REASON, request.getReason());
        return BusinessSpan.call(tracer, "payments.void", attributes, span -> {
            List<Long> voided = store.inTransaction(() -> {
                store.lockOrder(request.getOrderId());
                return store.voidOrder(request.getOrderId(), request.getReason());
            });
            span.setAttribute(VOIDED_COUNT, voided.size());
            return new PaymentVoid().orderId(request.getOrderId()).voidedPaymentIds(voided);
        });
    }

    public Payment get(long id) {
        return store.find(id).orElseThrow(() -> ProblemException.notFound("payment", id));
    }
}
