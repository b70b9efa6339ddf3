package io.flowlens.orders;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

import io.flowlens.contracts.orders.model.Order;
import io.flowlens.contracts.orders.model.OrderCreate;
import io.flowlens.contracts.orders.model.OrderStatus;
import io.flowlens.contracts.users.client.UsersApi;
import io.flowlens.platform.tracing.BusinessSpan;
import io.flowlens.platform.client.DownstreamCall;
import io.flowlens.platform.db.StoredTime;
import io.flowlens.platform.problem.Money;
import io.flowlens.platform.problem.ProblemException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import static io.flowlens.platform.tracing.FlowlensAttributes.AMOUNT;
import static io.flowlens.platform.tracing.FlowlensAttributes.COMPENSATION;
import static io.flowlens.platform.tracing.FlowlensAttributes.CURRENCY;
import static io.flowlens.platform.tracing.FlowlensAttributes.ORDER_ID;
import static io.flowlens.platform.tracing.FlowlensAttributes.PAYMENT_ID;
import static io.flowlens.platform.tracing.FlowlensAttributes.USER_ID;

/** Creating orders for users that exist, and moving them through {@link OrderLifecycle}. */
@ApplicationScoped
public class OrderService {

    static final AttributeKey<String> CANCEL_REASON = AttributeKey.stringKey("flowlens.cancel.reason");
    static final AttributeKey<Long> EXPIRED_COUNT = AttributeKey.longKey("flowlens.orders.expired");
    static final String EXPIRED_REASON = "expired: no payment decision in time";

    private final OrderStore store;
    private final UsersApi users;
    private final Tracer tracer;
    private final String defaultCurrency;

    @Inject
    public OrderService(OrderStore store, @RestClient UsersApi users, Tracer tracer,
                        @ConfigProperty(name = "orders.default-currency", defaultValue = "USD") String defaultCurrency) {
        if (!defaultCurrency.matches("[A-Z]{3}")) {
            throw new IllegalArgumentException("orders.default-currency must be an ISO 4217 code, was " + defaultCurrency);
        }
        this.store = store;
        this.users = users;
        this.tracer = tracer;
        this.defaultCurrency = defaultCurrency;
    }

    /** A PENDING order; 422 when the user does not exist, 502/503/504 when the users service cannot tell. */
    public Order create(OrderCreate request) {
        BigDecimal amount = Money.requireCents(request.getAmount(), "amount");
        long userId = request.getUserId();
        // the contract lets a caller leave the currency out (the original API's requests carry none)
        String currency = request.getCurrency() == null ? defaultCurrency : request.getCurrency();
        Attributes attributes = Attributes.of(USER_ID, userId, AMOUNT, amount.doubleValue(), CURRENCY, currency);
        return BusinessSpan.call(tracer, "orders.create", attributes, span -> {
            requireUser(userId);
            // the request's transaction when it has one (an Idempotency-Key), else its own; no connection is held
            // while users answers
            Order order = store.inTransaction(() -> store.insert(userId, amount, currency, request.getDescription()));
            span.setAttribute(ORDER_ID, order.getId());
            return order;
        });
    }

    public Order get(long id) {
        return store.find(id).orElseThrow(() -> ProblemException.notFound("order", id));
    }

    /** PENDING → CONFIRMED, recording the authorized payment. */
    public Order confirm(long id, long paymentId) {
        return BusinessSpan.call(tracer, "orders.confirm", Attributes.of(ORDER_ID, id, PAYMENT_ID, paymentId),
                span -> move(id, OrderStatus.CONFIRMED, paymentId, null));
    }

    /** CONFIRMED → PAID. */
    public Order markPaid(long id) {
        return BusinessSpan.call(tracer, "orders.pay", Attributes.of(ORDER_ID, id),
                span -> move(id, OrderStatus.PAID, null, null));
    }

    /** The saga's compensation: PENDING or CONFIRMED → CANCELLED. Cancelling a cancelled order changes nothing. */
    public Order cancel(long id, String reason) {
        Attributes attributes = Attributes.of(ORDER_ID, id, COMPENSATION, true, CANCEL_REASON, reason);
        return BusinessSpan.call(tracer, "orders.cancel", attributes, span -> move(id, OrderStatus.CANCELLED, null, reason));
    }

    /** Cancels every order PENDING for longer than {@code timeout}; answers how many. */
    public int expirePendingOlderThan(Duration timeout) {
        Attributes attributes = Attributes.of(COMPENSATION, true, CANCEL_REASON, EXPIRED_REASON);
        return BusinessSpan.call(tracer, "orders.expire", attributes, span -> {
            int expired = store.expirePending(Instant.now().minus(timeout), EXPIRED_REASON);
            span.setAttribute(EXPIRED_COUNT, (long) expired);
            return expired;
        });
    }

    private void requireUser(long userId) {
        try {
            DownstreamCall.call("users", () -> users.getUser(userId));
        } catch (ProblemException problem) {
            if (problem.status() == 404) {
                throw ProblemException.unprocessable("user " + userId + " does not exist");
            }
            throw problem;
        }
    }

    /**
     * Reads the order with its row locked, judges the move on that (404 if it is gone, 409 if the move is not allowed
     * from its status) and updates it, in one transaction: a concurrent transition waits for ours to commit and then
     * judges the order as we left it, so two transitions cannot both win and a cancel that follows a confirm still
     * cancels. The update keeps its compare-and-set on the status as a guard. The answer is the locked row with the
     * update's changes, which is what the row holds until we commit: no second read.
     */
    private Order move(long id, OrderStatus to, Long paymentId, String cancelReason) {
        return store.inTransaction(() -> {
            Order current = store.findForUpdate(id).orElseThrow(() -> ProblemException.notFound("order", id));
            if (OrderLifecycle.isHarmlessRepeat(current.getStatus(), to)) {
                return current;
            }
            if (!OrderLifecycle.allows(current.getStatus(), to)) {
                throw ProblemException.conflict("order " + id + " is " + current.getStatus() + " and cannot become " + to);
            }
            OffsetDateTime now = StoredTime.now();
            if (!store.transition(id, current.getStatus(), to, paymentId, cancelReason, now)) {
                throw new IllegalStateException("order " + id + " changed while its row was locked");
            }
            // as the update's COALESCE: a value not given keeps the row's
            return current.status(to).updatedAt(now)
                    .paymentId(paymentId == null ? current.getPaymentId() : paymentId)
                    .cancelReason(cancelReason == null ? current.getCancelReason() : cancelReason);
        });
    }
}
