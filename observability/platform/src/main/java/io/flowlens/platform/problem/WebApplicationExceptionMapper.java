package io.flowlens.platform.problem;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.flowlens.servercheck.MediaTypeHeaders;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NoContentException;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.server.ParamException;
import org.glassfish.jersey.server.model.ResourceMethod;

/**
 * JAX-RS's own failures (wrong method or media type, unparsable parameter, an empty body) as problem+json.
 * A parameter that does not parse is the caller's bad input: 400, not JAX-RS's default 404.
 */
@Provider
@ApplicationScoped
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

    private final UnmatchedRequestSpan unmatched;

    @Context
    private ExtendedUriInfo uriInfo;
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
        if (exception instanceof MediaTypeHeaders.MalformedHeader malformed) {
            // refused before matching, so before the telemetry filter, like the 405, 406 and 415 below
            ProblemException problem = ProblemException.invalid(malformed.header(), malformed.rule());
            return unmatched.answer(request.getMethod(), Problems.instance(uriInfo), headers::getHeaderString,
                    problem.status(), () -> Problems.response(problem, uriInfo));
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
        Set<String> allowed = allowedMethods(exception);
        String detail = switch (status) {
            case 405 -> request.getMethod() + " is not allowed on " + Problems.instance(uriInfo) + "; allowed: "
                    + String.join(", ", allowed);
            case 406 -> notAcceptable(title);
            case 415 -> unsupportedMediaType(title);
            default -> exception.getMessage() == null ? title : exception.getMessage();
        };
        Response problem = Problems.response(status, "http-" + status, title, detail, null, uriInfo, exception);
        // keep what JAX-RS said about the request; a 405's Allow header (RFC 9110 requires it) is set below
        Response.ResponseBuilder answer = Response.fromResponse(problem);
        exception.getResponse().getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Type") && !name.equalsIgnoreCase("Content-Length")
                    && !name.equalsIgnoreCase(HttpHeaders.ALLOW)) {
                values.forEach(value -> answer.header(name, value));
            }
        });
        return allowed.isEmpty() ? answer.build() : answer.allow(allowed).build();
    }

    // JAX-RS's own messages only repeat the status ("HTTP 415 Unsupported Media Type"); these say what would work

    /**
     * A 405's allowed methods, HEAD with GET: Jersey answers HEAD wherever it serves GET, and its OPTIONS lists it,
     * but the Allow header of its 405 leaves it out.
     */
    private static Set<String> allowedMethods(WebApplicationException exception) {
        Set<String> allowed = new TreeSet<>(exception.getResponse().getAllowedMethods());
        if (allowed.contains(HttpMethod.GET)) {
            allowed.add(HttpMethod.HEAD);
        }
        return allowed;
    }

    private String notAcceptable(String title) {
        String produced = mediaTypes(methodsOfRequest().stream().map(ResourceMethod::getProducedTypes));
        return produced.isEmpty() ? title : target() + " answers " + produced + ", which the Accept header ("
                + headers.getHeaderString(HttpHeaders.ACCEPT) + ") does not take";
    }

    private String unsupportedMediaType(String title) {
        String consumed = mediaTypes(methodsOfRequest().stream().map(ResourceMethod::getConsumedTypes));
        String sent = headers.getHeaderString(HttpHeaders.CONTENT_TYPE);
        return consumed.isEmpty() ? title : (sent == null ? "a body without a Content-Type" : "Content-Type " + sent)
                + " is not accepted by " + target() + "; send " + consumed;
    }

    private String target() {
        return request.getMethod() + " " + Problems.instance(uriInfo);
    }

    /** The resource methods of the matched path for the request's HTTP method: what a 406 or 415 failed to meet. */
    private List<ResourceMethod> methodsOfRequest() {
        return uriInfo.getMatchedRuntimeResources().stream().limit(1)
                .flatMap(resource -> resource.getResourceMethods().stream())
                .filter(method -> Objects.equals(method.getHttpMethod(), request.getMethod()))
                .toList();
    }

    private static String mediaTypes(Stream<? extends Collection<MediaType>> types) {
        return types.flatMap(Collection::stream).map(MediaType::toString).distinct()
                .collect(Collectors.joining(" or "));
    }
}
