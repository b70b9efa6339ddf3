package io.flowlens.orchestrator;

import java.math.BigDecimal;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.flowlens.contracts.orders.api.OrdersApi;
import io.flowlens.contracts.orders.model.Order;
import io.flowlens.contracts.orders.model.OrderCancellation;
import io.flowlens.contracts.orders.model.OrderConfirmation;
import io.flowlens.contracts.orders.model.OrderCreate;
import io.flowlens.contracts.orders.model.OrderStatus;
import io.flowlens.contracts.payments.model.Payment;
import io.flowlens.contracts.payments.model.PaymentCreate;
import io.flowlens.contracts.payments.api.PaymentsApi;
import io.flowlens.contracts.payments.model.DeclineReason;
import io.flowlens.contracts.payments.model.PaymentStatus;
import io.flowlens.observability.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/**
 * Stand-ins for orders and payments (users: the observability test-jar's StandInUsers) served by the test's own
 * server under {@code /fake}, implementing the generated server interfaces, so the orchestrator's generated clients
 * really go over HTTP. Amounts pick behaviour: above 1000 declines, {@link #FAILING_AMOUNT} answers 500,
 * {@link #SLOW_AMOUNT} answers after the FT timeout.
 */
final class FakeDownstreams {

    static final BigDecimal FAILING_AMOUNT = new BigDecimal("13.13");
    static final BigDecimal SLOW_AMOUNT = new BigDecimal("66.66");
    static final Map<Long, Order> ORDERS = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong(100);

    private FakeDownstreams() {
    }

    @ApplicationScoped
    @Path("/fake/orders")
    public static class Orders implements OrdersApi {
        @Override
        public Response createOrder(OrderCreate request, String idempotencyKey) {
            Order order = new Order().id(IDS.incrementAndGet()).userId(request.getUserId()).amount(request.getAmount())
                    .currency(request.getCurrency()).status(OrderStatus.PENDING).createdAt(OffsetDateTime.now());
            ORDERS.put(order.getId(), order);
            return Response.created(URI.create("/orders/" + order.getId())).entity(order).build();
        }

        @Override
        public Response getOrder(Long orderId) {
            Order order = ORDERS.get(orderId);
            if (order == null) {
                throw ProblemException.notFound("order", orderId);
            }
            return Response.ok(order).build();
        }

        @Override
        public Response confirmOrder(Long orderId, OrderConfirmation confirmation, String idempotencyKey) {
            Order order = ORDERS.get(orderId);
            order.status(OrderStatus.CONFIRMED).paymentId(confirmation.getPaymentId());
            return Response.ok(order).build();
        }

        @Override
        public Response markOrderPaid(Long orderId, String idempotencyKey) {
            return Response.ok(ORDERS.get(orderId).status(OrderStatus.PAID)).build();
        }

        @Override
        public Response cancelOrder(Long orderId, OrderCancellation cancellation, String idempotencyKey) {
            Order order = ORDERS.get(orderId);
            order.status(OrderStatus.CANCELLED).cancelReason(cancellation.getReason());
            return Response.ok(order).build();
        }
    }

    @ApplicationScoped
    @Path("/fake/payments")
    public static class Payments implements PaymentsApi {
        @Override
        public Response createPayment(PaymentCreate request, String idempotencyKey) {
            if (request.getAmount().compareTo(FAILING_AMOUNT) == 0) {
                throw new IllegalStateException("injected payments failure");
            }
            if (request.getAmount().compareTo(SLOW_AMOUNT) == 0) {
                sleep(10_000);
            }
            boolean declined = request.getAmount().compareTo(new BigDecimal("1000")) > 0;
            Payment payment = new Payment().id(IDS.incrementAndGet()).orderId(request.getOrderId())
                    .amount(request.getAmount()).currency(request.getCurrency())
                    .status(declined ? PaymentStatus.DECLINED : PaymentStatus.AUTHORIZED)
                    .declineReason(declined ? DeclineReason.LIMIT_EXCEEDED : null)
                    .createdAt(OffsetDateTime.now());
            return Response.created(URI.create("/payments/" + payment.getId())).entity(payment).build();
        }

        @Override
        public Response getPayment(Long paymentId) {
            throw ProblemException.notFound("payment", paymentId);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
