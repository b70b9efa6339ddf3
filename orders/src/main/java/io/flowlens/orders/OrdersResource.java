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

/** HTTP side of the orders contract. */
@ApplicationScoped
public class OrdersResource implements OrdersApi {

    private final OrderService orders;

    @Inject
    public OrdersResource(OrderService orders) {
        this.orders = orders;
    }

    @Override
    public Response createOrder(OrderCreate orderCreate) {
        Order order = orders.create(orderCreate);
        return Response.created(URI.create("/orders/" + order.getId())).entity(order).build();
    }

    @Override
    public Response getOrder(Long orderId) {
        return Response.ok(orders.get(orderId)).build();
    }

    @Override
    public Response confirmOrder(Long orderId, OrderConfirmation orderConfirmation) {
        return Response.ok(orders.confirm(orderId, orderConfirmation.getPaymentId())).build();
    }

    @Override
    public Response markOrderPaid(Long orderId) {
        return Response.ok(orders.markPaid(orderId)).build();
    }

    @Override
    public Response cancelOrder(Long orderId, OrderCancellation orderCancellation) {
        return Response.ok(orders.cancel(orderId, orderCancellation.getReason())).build();
    }
}
