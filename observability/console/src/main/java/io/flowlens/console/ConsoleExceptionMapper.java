package io.flowlens.console;

import java.util.logging.Level;
import java.util.logging.Logger;

import io.flowlens.analytics.BackendUnreachableException;
import io.flowlens.analytics.JaegerTraces;
import io.flowlens.analytics.UsageException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Every failure as problem+json, so a page always has a sentence to show: bad input 400, an unknown trace 404, a
 * backend that cannot be reached 503 (naming it), anything else 500 without a stack trace (that goes to the log).
 */
@Provider
@ApplicationScoped
public class ConsoleExceptionMapper implements ExceptionMapper<Exception> {

    private static final Logger LOGGER = Logger.getLogger(ConsoleExceptionMapper.class.getName());

    @Context
    private UriInfo uriInfo;

    @Override
    public Response toResponse(Exception exception) {
        String instance = "/" + uriInfo.getPath();
        if (exception instanceof UsageException) {
            return Problem.response(400, "bad-request", "Bad request", exception.getMessage(), instance);
        }
        if (exception instanceof NotFoundException && exception.getCause() == null) {
            // no resource matched: an empty 404 lets Helidon try its own routes (/health)
            return Response.status(Response.Status.NOT_FOUND).build();
        }
        if (exception instanceof NotFoundException) {
            return Problem.response(404, "not-found", "Not found", exception.getMessage(), instance);
        }
        if (exception instanceof WebApplicationException web) {
            int status = web.getResponse().getStatus();
            return Problem.response(status, "http-" + status, "HTTP " + status, String.valueOf(web.getMessage()),
                    instance);
        }
        if (exception instanceof BackendUnreachableException || exception instanceof JaegerTraces.JaegerException) {
            return Problem.response(503, "backend-unavailable", "Backend unavailable", exception.getMessage(), instance);
        }
        LOGGER.log(Level.WARNING, "console request " + instance + " failed", exception);
        return Problem.response(500, "internal", "Internal error", exception.getClass().getSimpleName() + ": "
                + exception.getMessage(), instance);
    }
}
