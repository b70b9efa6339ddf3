package io.flowlens.orders;

import java.net.URI;

import io.flowlens.contracts.orders.api.OrdersApi;
import io.flowlens.contracts.orders.model.Order;
import io.flowlens.contracts.orders.model.OrderCancellation;
import io.flowlens.contracts.orders.model.OrderConfirmation;
import io.flowlens.contracts.orders.model.OrderCreate;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

/** HTTP side of the orders contract; Idempotency-Key is handled for every POST by the platform's IdempotencyFilter. */
@ApplicationScoped
public class OrdersResource implements OrdersApi {

    private final OrderService orders;

    @Inject
    public OrdersResource(OrderService orders) {
        this.orders = orders;
    }

    @Override
    public Response createOrder(OrderCreate orderCreate, String idempotencyKey) {
        Order order = orders.create(orderCreate);
        return Response.created(URI.create("/orders/" + order.getId())).entity(order).build();
    }

    @Override
    public Response getOrder(Long orderId) {
        return Response.ok(orders.get(orderId)).build();
    }

    @Override
    public Response confirmOrder(Long orderId, OrderConfirmation orderConfirmation, String idempotencyKey) {
        return Response.ok(orders.confirm(orderId, orderConfirmation.getPaymentId())).build();
    }

    @Override
    public Response markOrderPaid(Long orderId, String idempotencyKey) {
        return Response.ok(orders.markPaid(orderId)).build();
    }

    @Override
    public Response cancelOrder(Long orderId, OrderCancellation orderCancellation, String idempotencyKey) {
        return Response.ok(orders.cancel(orderId, orderCancellation.getReason())).build();
    }
}
