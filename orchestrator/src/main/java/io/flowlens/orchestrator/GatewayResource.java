package io.flowlens.orchestrator;

import java.net.URI;

import io.flowlens.contracts.orchestrator.api.GatewayApi;
import io.flowlens.contracts.orders.client.model.Order;
import io.flowlens.contracts.orders.client.model.OrderCreate;
import io.flowlens.contracts.payments.client.model.Payment;
import io.flowlens.contracts.payments.client.model.PaymentCreate;
import io.flowlens.contracts.users.client.model.User;
import io.flowlens.contracts.users.client.model.UserCreate;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

/**
 * The seed's whole API on one port: each route forwards to its service, Idempotency-Key included, so the service
 * that owns the data also owns the key; the contract validated the input already. A write that comes without a key
 * is forwarded with one made up for this request, so the clients' retries of it stay safe (a caller that repeats
 * such a request itself still makes a second record, as it asked).
 */
@ApplicationScoped
public class GatewayResource implements GatewayApi {

    private final DownstreamServices services;

    @Inject
    public GatewayResource(DownstreamServices services) {
        this.services = services;
    }

    @Override
    public Response listUsers(Integer limit, Integer offset) {
        return Response.ok(services.listUsers(limit, offset)).build();
    }

    @Override
    public Response createUser(UserCreate request, String idempotencyKey) {
        User user = services.createUser(request, IdempotencyKeys.orNew(idempotencyKey, "gateway"));
        return Response.created(URI.create("/users/" + user.getId())).entity(user).build();
    }

    @Override
    public Response getUser(Long userId) {
        return Response.ok(services.getUser(userId)).build();
    }

    @Override
    public Response createOrder(OrderCreate request, String idempotencyKey) {
        Order order = services.createOrder(request, IdempotencyKeys.orNew(idempotencyKey, "gateway"));
        return Response.created(URI.create("/orders/" + order.getId())).entity(order).build();
    }

    @Override
    public Response getOrder(Long orderId) {
        return Response.ok(services.getOrder(orderId)).build();
    }

    @Override
    public Response createPayment(PaymentCreate request, String idempotencyKey) {
        Payment payment = services.authorize(request, IdempotencyKeys.orNew(idempotencyKey, "gateway"));
        return Response.created(URI.create("/payments/" + payment.getId())).entity(payment).build();
    }

    @Override
    public Response getPayment(Long paymentId) {
        return Response.ok(services.getPayment(paymentId)).build();
    }
}
