package io.flowlens.platform.faults;

import io.flowlens.platform.problem.Problems;

import io.flowlens.contracts.admin.model.FaultName;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * Applies the request-level faults ({@code LATENCY}, {@code ERRORS}) to every business request — never to
 * {@code /admin}, so a fault can always be switched off again. Runs late, inside the server span it marks.
 */
@Provider
@ApplicationScoped
@Priority(Priorities.USER + 200)
public class FaultFilter implements ContainerRequestFilter {

    private final FaultInjector faults;

    @Inject
    public FaultFilter(FaultInjector faults) {
        this.faults = faults;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getUriInfo().getPath().startsWith("admin")) {
            return;
        }
        faults.delay(FaultName.LATENCY);
        if (faults.strikes(FaultName.ERRORS)) {
            Span.current().setStatus(StatusCode.ERROR, "injected fault: errors");
            request.abortWith(Problems.response(500, "injected-fault", "Injected fault",
                    "this failure was injected on purpose (fault ERRORS); switch it off at /admin/faults/ERRORS",
                    null, request.getUriInfo(), null));
        }
    }
}
