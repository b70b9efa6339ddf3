package io.flowlens.orchestrator;

import java.math.BigDecimal;

import io.flowlens.contracts.orchestrator.api.DemoApi;
import io.flowlens.platform.problem.Money;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

/** {@code GET /demo/full-flow/{userId}}: runs the saga and reports every step with the trace id. */
@ApplicationScoped
public class DemoResource implements DemoApi {

    private final FullFlow flow;

    @Inject
    public DemoResource(FullFlow flow) {
        this.flow = flow;
    }

    @Override
    public Response runFullFlow(Long userId, String idempotencyKey, BigDecimal amount, String currency) {
        // the contract's multipleOf, which bean validation cannot say, before the flow starts: orders would refuse it
        // only after the run was recorded and users called
        Money.requireCents(amount, "amount");
        return Response.ok(flow.run(userId, amount, currency, idempotencyKey)).build();
    }
}
