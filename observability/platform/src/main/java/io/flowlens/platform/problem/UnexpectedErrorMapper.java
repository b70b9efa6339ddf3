package io.flowlens.platform.problem;

import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Anything else is a bug: 500 problem+json, logged with the trace id, exception recorded on the span. */
@Provider
@ApplicationScoped
public class UnexpectedErrorMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOGGER = Logger.getLogger(UnexpectedErrorMapper.class.getName());

    @Context
    private UriInfo uriInfo;

    @Override
    public Response toResponse(Throwable exception) {
        LOGGER.log(Level.SEVERE, "Unexpected error, trace " + Problems.currentTraceId(), exception);
        return Problems.response(500, "internal", "Internal server error",
                "the server failed unexpectedly; search the trace id for details", null, uriInfo, exception);
    }
}
