package io.flowlens.orchestrator;

import java.math.BigDecimal;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
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
import io.flowlens.contracts.payments.model.PaymentVoid;
import io.flowlens.contracts.payments.model.PaymentVoidRequest;
import io.flowlens.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Stand-ins for orders and payments (users: the observability test-jar's StandInUsers) served by the test's own
 * server under {@code /fake}, implementing the generated server interfaces, so the orchestrator's generated clients
 * really go over HTTP. They follow the real services' rules: an order moves only as the real orders' lifecycle allows
 * (else 409), a payment is declined by the real payments' configuration keys ({@code payments.limit},
 * {@code payments.currencies}). Amounts pick behaviour: above the limit declines, {@link #FAILING_AMOUNT} answers 500,
 * {@link #SLOW_AMOUNT} answers long after the FT timeout, {@link #SLOW_ONCE_AMOUNT} a little after it. Repeats with
 * the same Idempotency-Key never reach these classes: the test server's own IdempotencyFilter answers them, as the
 * real services' would. A payment for an order voided before it lands is declined, as in the real payments.
 */
final class FakeDownstreams {

    static final BigDecimal FAILING_AMOUNT = new BigDecimal("13.13");
    static final BigDecimal SLOW_AMOUNT = new BigDecimal("66.66");
    /** Orders whose {@link #SLOW_AMOUNT} payment still runs: a caller that answered before it ends did not wait. */
    static final Set<Long> SLOW_PAYMENTS_RUNNING = ConcurrentHashMap.newKeySet();
    static final BigDecimal SLOW_ONCE_AMOUNT = new BigDecimal("77.77");
    static final Map<Long, Order> ORDERS = new ConcurrentHashMap<>();
    static final Map<Long, Payment> PAYMENTS = new ConcurrentHashMap<>();
    static final Set<Long> VOIDED_ORDERS = ConcurrentHashMap.newKeySet();
    /** The Idempotency-Key of every order creation that reached the stand-in. */
    static final List<String> ORDER_KEYS = new CopyOnWriteArrayList<>();
    /** Payment requests that reached the stand-in (not answered by the idempotency filter), by amount. */
    static final Map<BigDecimal, AtomicInteger> PAYMENT_ATTEMPTS = new ConcurrentHashMap<>();
    /** How often each order was read: recovery reads a run's order once before it compensates. */
    static final Map<Long, AtomicInteger> ORDER_LOOKUPS = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong(100);

    private FakeDownstreams() {
    }

    @ApplicationScoped
    @Path("/fake/orders")
    public static class Orders implements OrdersApi {
        @Override
        public Response createOrder(OrderCreate request, String idempotencyKey) {
            ORDER_KEYS.add(String.valueOf(idempotencyKey));
            Order order = new Order().id(IDS.incrementAndGet()).userId(request.getUserId()).amount(request.getAmount())
                    .currency(request.getCurrency()).status(OrderStatus.PENDING).createdAt(OffsetDateTime.now(ZoneOffset.UTC));
            ORDERS.put(order.getId(), order);
            return Response.created(URI.create("/orders/" + order.getId())).entity(order).build();
        }

        @Override
        public Response getOrder(Long orderId) {
            ORDER_LOOKUPS.computeIfAbsent(orderId, id -> new AtomicInteger()).incrementAndGet();
            return Response.ok(order(orderId)).build();
        }

        @Override
        public Response confirmOrder(Long orderId, OrderConfirmation confirmation, String idempotencyKey) {
            return Response.ok(move(orderId, OrderStatus.CONFIRMED).paymentId(confirmation.getPaymentId())).build();
        }

        @Override
        public Response markOrderPaid(Long orderId, String idempotencyKey) {
            return Response.ok(move(orderId, OrderStatus.PAID)).build();
        }

        @Override
        public Response cancelOrder(Long orderId, OrderCancellation cancellation, String idempotencyKey) {
            Order order = order(orderId);
            if (order.getStatus() == OrderStatus.CANCELLED) {
                return Response.ok(order).build(); // a repeated cancellation changes nothing, as in the real orders
            }
            return Response.ok(move(orderId, OrderStatus.CANCELLED).cancelReason(cancellation.getReason())).build();
        }

        private static Order order(long orderId) {
            Order order = ORDERS.get(orderId);
            if (order == null) {
                throw ProblemException.notFound("order", orderId);
            }
            return order;
        }

        /**
         * The real orders' lifecycle (io.flowlens.orders.OrderLifecycle, which this test cannot depend on):
         * PENDING → CONFIRMED → PAID, PENDING or CONFIRMED → CANCELLED; anything else is a 409.
         */
        private static synchronized Order move(long orderId, OrderStatus to) {
            Order order = order(orderId);
            OrderStatus from = order.getStatus();
            boolean allowed = switch (to) {
                case CONFIRMED -> from == OrderStatus.PENDING;
                case PAID -> from == OrderStatus.CONFIRMED;
                case CANCELLED -> from == OrderStatus.PENDING || from == OrderStatus.CONFIRMED;
                default -> false;
            };
            if (!allowed) {
                throw ProblemException.conflict("order " + orderId + " is " + from + " and cannot become " + to);
            }
            return order.status(to);
        }
    }

    @ApplicationScoped
    @Path("/fake") // the payments contract has two roots: /payments and /payment-voids
    public static class Payments implements PaymentsApi {

        private final BigDecimal limit;
        private final Set<String> currencies;

        /** The same configuration keys as the real payments service, set by each test class (@AddConfig). */
        @Inject
        public Payments(@ConfigProperty(name = "payments.limit") BigDecimal limit,
                        @ConfigProperty(name = "payments.currencies") List<String> currencies) {
            this.limit = limit;
            this.currencies = Set.copyOf(currencies);
        }

        @Override
        public Response createPayment(PaymentCreate request, String idempotencyKey) {
            PAYMENT_ATTEMPTS.computeIfAbsent(request.getAmount().stripTrailingZeros(), a -> new AtomicInteger())
                    .incrementAndGet();
            if (request.getAmount().compareTo(FAILING_AMOUNT) == 0) {
                throw new IllegalStateException("injected payments failure");
            }
            if (request.getAmount().compareTo(SLOW_AMOUNT) == 0) {
                SLOW_PAYMENTS_RUNNING.add(request.getOrderId());
                try {
                    sleep(10_000);
                } finally {
                    SLOW_PAYMENTS_RUNNING.remove(request.getOrderId());
                }
            }
            if (request.getAmount().compareTo(SLOW_ONCE_AMOUNT) == 0) {
                sleep(900); // past the test's 500 ms timeout, but done before the retries give up
            }
            // the real payments' rules, in its order: a voided order, an unsupported currency, the limit
            DeclineReason decline = VOIDED_ORDERS.contains(request.getOrderId()) ? DeclineReason.ORDER_CANCELLED
                    : !currencies.contains(request.getCurrency()) ? DeclineReason.CURRENCY_NOT_SUPPORTED
                    : request.getAmount().compareTo(limit) > 0 ? DeclineReason.LIMIT_EXCEEDED : null;
            Payment payment = new Payment().id(IDS.incrementAndGet()).orderId(request.getOrderId())
                    .amount(request.getAmount()).currency(request.getCurrency())
                    .status(decline != null ? PaymentStatus.DECLINED : PaymentStatus.AUTHORIZED)
                    .declineReason(decline)
                    .createdAt(OffsetDateTime.now(ZoneOffset.UTC));
            PAYMENTS.put(payment.getId(), payment);
            return Response.created(URI.create("/payments/" + payment.getId())).entity(payment).build();
        }

        @Override
        public Response voidPayments(PaymentVoidRequest request, String idempotencyKey) {
            VOIDED_ORDERS.add(request.getOrderId());
            List<Long> voided = PAYMENTS.values().stream()
                    .filter(p -> p.getOrderId().equals(request.getOrderId()) && p.getStatus() == PaymentStatus.AUTHORIZED)
                    .map(p -> p.status(PaymentStatus.VOIDED).getId()).toList();
            return Response.ok(new PaymentVoid().orderId(request.getOrderId()).voidedPaymentIds(voided)).build();
        }

        @Override
        public Response getPayment(Long paymentId) {
            Payment payment = PAYMENTS.get(paymentId);
            if (payment == null) {
                throw ProblemException.notFound("payment", paymentId);
            }
            return Response.ok(payment).build();
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
