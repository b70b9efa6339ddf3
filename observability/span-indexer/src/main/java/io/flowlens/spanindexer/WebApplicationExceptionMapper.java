package io.flowlens.spanindexer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** JAX-RS's own refusals (wrong method, wrong media type) as problem+json, like the services'. */
@Provider
@ApplicationScoped
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

    @Context
    private UriInfo uriInfo;
    @Context
    private HttpHeaders headers;

    @Override
    public Response toResponse(WebApplicationException exception) {
        if (exception instanceof NotFoundException && exception.getCause() == null) {
            // no resource matched: an empty 404 lets Helidon try its own routes (/health, /metrics)
            return Response.status(Response.Status.NOT_FOUND).build();
        }
        int status = exception.getResponse().getStatus();
        Response.StatusType statusType = Response.Status.fromStatusCode(status);
        String title = statusType == null ? "HTTP " + status : statusType.getReasonPhrase();
        String detail = status == 415 ? unsupportedMediaType()
                : exception.getMessage() == null ? title : exception.getMessage();
        Response.ResponseBuilder answer = Response.fromResponse(
                Problem.response(status, "http-" + status, title, detail, "/" + uriInfo.getPath()));
        // keep what JAX-RS said about the request, e.g. the Allow header of a 405
        exception.getResponse().getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Type") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(value -> answer.header(name, value));
            }
        });
        return answer.build();
    }

    /** JAX-RS's message only repeats the status; a sender set to OTLP/JSON should learn what to change. */
    private String unsupportedMediaType() {
        String sent = headers.getHeaderString(HttpHeaders.CONTENT_TYPE);
        return (sent == null ? "a body without a Content-Type" : "Content-Type " + sent) + " is not accepted: this"
                + " OTLP/HTTP receiver takes binary protobuf (" + TracesResource.PROTOBUF + "), not OTLP/JSON";
    }
}
