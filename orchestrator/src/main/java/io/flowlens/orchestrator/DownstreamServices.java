package io.flowlens.orchestrator;

import java.util.function.Supplier;

import io.flowlens.contracts.orders.client.OrdersApi;
import io.flowlens.contracts.orders.client.model.Order;
import io.flowlens.contracts.orders.client.model.OrderCancellation;
import io.flowlens.contracts.orders.client.model.OrderConfirmation;
import io.flowlens.contracts.orders.client.model.OrderCreate;
import io.flowlens.contracts.payments.client.PaymentsApi;
import io.flowlens.contracts.payments.client.model.Payment;
import io.flowlens.contracts.payments.client.model.PaymentCreate;
import io.flowlens.contracts.payments.client.model.PaymentVoid;
import io.flowlens.contracts.payments.client.model.PaymentVoidRequest;
import io.flowlens.contracts.users.client.UsersApi;
import io.flowlens.contracts.users.client.model.User;
import io.flowlens.contracts.users.client.model.UserCreate;
import io.flowlens.contracts.users.client.model.UserPage;
import io.flowlens.platform.client.DownstreamCall;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Every call the orchestrator makes to another service, bounded by a timeout ({@link DownstreamPolicy}) and
 * translated into problem answers by {@link DownstreamCall}: the callers never see a raw client exception and never
 * wait forever.
 * <p>
 * A call that timed out, found the callee unreachable or unready, or met its own first attempt still running is
 * tried again (each attempt with its own timeout). That is only safe because every call here either reads or
 * carries an Idempotency-Key: the callee answers a repeat with the first result instead of doing the work twice,
 * so a retry after a timeout never makes a second order or charge. Callers must pass a key to every write.
 */
@ApplicationScoped
public class DownstreamServices {

    private final UsersApi users;
    private final OrdersApi orders;
    private final PaymentsApi payments;
    private final DownstreamPolicy policy;

    @Inject
    public DownstreamServices(@RestClient UsersApi users, @RestClient OrdersApi orders, @RestClient PaymentsApi payments,
                              Config config) {
        this.users = users;
        this.orders = orders;
        this.payments = payments;
        this.policy = DownstreamPolicy.from(config);
    }

    public User getUser(long userId) {
        return call("users", () -> users.getUser(userId));
    }

    public UserPage listUsers(int limit, int offset) {
        return call("users", () -> users.listUsers(limit, offset));
    }

    public User createUser(UserCreate request, String idempotencyKey) {
        return call("users", () -> users.createUser(request, idempotencyKey));
    }

    public Order createOrder(OrderCreate request, String idempotencyKey) {
        return call("orders", () -> orders.createOrder(request, idempotencyKey));
    }

    public Order getOrder(long orderId) {
        return call("orders", () -> orders.getOrder(orderId));
    }

    public Order confirmOrder(long orderId, long paymentId, String idempotencyKey) {
        return call("orders",
                () -> orders.confirmOrder(orderId, new OrderConfirmation().paymentId(paymentId), idempotencyKey));
    }

    public Order cancelOrder(long orderId, String reason, String idempotencyKey) {
        return call("orders",
                () -> orders.cancelOrder(orderId, new OrderCancellation().reason(reason), idempotencyKey));
    }

    public Payment authorize(PaymentCreate request, String idempotencyKey) {
        return call("payments", () -> payments.createPayment(request, idempotencyKey));
    }

    public PaymentVoid voidPayments(long orderId, String reason, String idempotencyKey) {
        return call("payments",
                () -> payments.voidPayments(new PaymentVoidRequest().orderId(orderId).reason(reason), idempotencyKey));
    }

    public Payment getPayment(long paymentId) {
        return call("payments", () -> payments.getPayment(paymentId));
    }

    private <T> T call(String service, Supplier<T> call) {
        return policy.call(() -> DownstreamCall.call(service, call));
    }
}
