package io.flowlens.payments;

import java.net.URI;

import io.flowlens.contracts.payments.api.PaymentsApi;
import io.flowlens.contracts.payments.model.Payment;
import io.flowlens.contracts.payments.model.PaymentCreate;
import io.flowlens.contracts.payments.model.PaymentVoidRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

/** HTTP side of the payments contract. */
@ApplicationScoped
public class PaymentsResource implements PaymentsApi {

    private final PaymentService payments;

    @Inject
    public PaymentsResource(PaymentService payments) {
        this.payments = payments;
    }

    @Override
    public Response createPayment(PaymentCreate paymentCreate, String idempotencyKey) {
        Payment payment = payments.authorize(paymentCreate);
        return Response.created(URI.create("/payments/" + payment.getId())).entity(payment).build();
    }

    @Override
    public Response voidPayments(PaymentVoidRequest paymentVoidRequest, String idempotencyKey) {
        return Response.ok(payments.voidOrder(paymentVoidRequest)).build();
    }

    @Override
    public Response getPayment(Long paymentId) {
        return Response.ok(payments.get(paymentId)).build();
    }
}
