package io.flowlens.platform.problem;

import io.flowlens.platform.client.DownstreamCall;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * A body that JSON-B cannot read (malformed JSON, a string where a number belongs) reaches the server as a
 * {@link ProcessingException}; it is the caller's mistake, so 400 instead of 500. Downstream calls never get here:
 * {@link DownstreamCall} translates their failures first.
 */
@Provider
@ApplicationScoped
public class MalformedRequestMapper implements ExceptionMapper<ProcessingException> {

    @Context
    private UriInfo uriInfo;

    @Override
    public Response toResponse(ProcessingException exception) {
        Throwable root = exception;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String detail = "request body is not valid JSON for this operation: " + root.getMessage();
        return Problems.response(400, "malformed-body", "Malformed request body", detail, null, uriInfo, exception);
    }
}
