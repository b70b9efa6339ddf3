package io.flowlens.platform.problem;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.NoContentException;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.glassfish.jersey.server.ParamException;

/**
 * JAX-RS's own failures (wrong method or media type, unparsable parameter, an empty body) as problem+json.
 * A parameter that does not parse is the caller's bad input: 400, not JAX-RS's default 404.
 */
@Provider
@ApplicationScoped
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

    private final UnmatchedRequestSpan unmatched;

    @Context
    private UriInfo uriInfo;
    @Context
    private HttpHeaders headers;
    @Context
    private Request request;

    @Inject
    public WebApplicationExceptionMapper(UnmatchedRequestSpan unmatched) {
        this.unmatched = unmatched;
    }

    @Override
    public Response toResponse(WebApplicationException exception) {
        if (exception instanceof ParamException param) {
            // StrictParameters names what a query or path parameter should be; a header or cookie gets here
            return Problems.response(ProblemException.invalid(param.getParameterName(), "has an invalid value"), uriInfo);
        }
        if (exception.getResponse().getStatus() == 400 && exception.getCause() instanceof NoContentException) {
            // a JSON Content-Type with nothing after it: the same as no body, which bean validation answers
            return Problems.response(ProblemException.invalid(RequestBodyError.BODY, ConstraintViolationMapper.REQUIRED),
                    uriInfo);
        }
        if (exception instanceof NotFoundException && exception.getCause() == null) {
            // No resource matched: an empty 404 lets Helidon try its own routes (/health, /openapi, /metrics).
            return Response.status(Response.Status.NOT_FOUND).build();
        }
        int status = exception.getResponse().getStatus();
        // a 405, 406 or 415 is decided while matching, before the telemetry filter would open the request's span
        return unmatched.answer(request.getMethod(), Problems.instance(uriInfo), headers::getHeaderString, status,
                () -> problem(exception, status));
    }

    private Response problem(WebApplicationException exception, int status) {
        Response.StatusType statusType = Response.Status.fromStatusCode(status);
        String title = statusType == null ? "HTTP " + status : statusType.getReasonPhrase();
        String detail = exception.getMessage() == null ? title : exception.getMessage();
        Response problem = Problems.response(status, "http-" + status, title, detail, null, uriInfo, exception);
        // keep what JAX-RS said about the request, e.g. the Allow header of a 405 (RFC 9110 requires it)
        Response.ResponseBuilder answer = Response.fromResponse(problem);
        exception.getResponse().getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Type") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(value -> answer.header(name, value));
            }
        });
        return answer.build();
    }
}
