package io.flowlens.platform.problem;

import io.flowlens.platform.client.DownstreamCall;

import java.util.List;

import io.flowlens.contracts.problem.Violation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * A body that JSON-B cannot read (malformed JSON, a string where a number belongs) reaches the server as a
 * {@link ProcessingException}; it is the caller's mistake, so 400 instead of 500, with a detail that names the
 * property and what it should be ({@code user_id: expected an integer, found a string}), never a Java class.
 * Downstream calls never get here: {@link DownstreamCall} translates their failures first.
 */
@Provider
@ApplicationScoped
public class MalformedRequestMapper implements ExceptionMapper<ProcessingException> {

    @Context
    private UriInfo uriInfo;

    @Override
    public Response toResponse(ProcessingException exception) {
        Violation violation = RequestBodyError.describe(exception);
        String detail = violation.getField() + ": " + violation.getMessage();
        return Problems.response(400, "malformed-body", "Malformed request body", detail, List.of(violation), uriInfo,
                exception);
    }
}
