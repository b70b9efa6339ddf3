package io.flowlens.platform.problem;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * A Fault Tolerance guard that gave up (timeout, open circuit, full bulkhead) means a dependency is slow or failing:
 * 504 for a timeout, 503 otherwise, never 500.
 */
@Provider
@ApplicationScoped
public class FaultToleranceExceptionMapper implements ExceptionMapper<FaultToleranceException> {

    @Context
    private UriInfo uriInfo;

    @Override
    public Response toResponse(FaultToleranceException exception) {
        if (exception instanceof TimeoutException) {
            return Problems.response(504, "downstream-timeout", "Downstream service timed out",
                    "a downstream call did not answer in time", null, uriInfo, exception);
        }
        return Problems.response(503, "downstream-unavailable", "Downstream service unavailable",
                "a downstream service is failing: " + exception.getClass().getSimpleName(), null, uriInfo, exception);
    }
}
