package io.flowlens.platform.problem;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;

/**
 * Refuses an {@code Accept} or {@code Content-Type} that Jersey cannot parse with a 400 validation problem naming the
 * header. Jersey parses them to match the request to a resource method, and answers its own parse failure
 * ({@code HeaderValueException}) with a bare 400, no body and no content type, without asking any exception mapper:
 * {@code Accept: ///} on any service got that. Parsed here with Jersey's own parser, so nothing it accepts is refused;
 * before matching, so before the telemetry filter, hence the span of {@link UnmatchedRequestSpan}.
 */
@Provider
@PreMatching
@ApplicationScoped
@Priority(Priorities.HEADER_DECORATOR)
public class MediaTypeHeaders implements ContainerRequestFilter {

    private final UnmatchedRequestSpan unmatched;

    @Inject
    public MediaTypeHeaders(UnmatchedRequestSpan unmatched) {
        this.unmatched = unmatched;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (!parses(request::getAcceptableMediaTypes)) {
            refuse(request, ProblemException.invalid("Accept", "must be a list of media ranges (RFC 9110, 12.5.1)"));
        } else if (!parses(request::getMediaType)) {
            refuse(request, ProblemException.invalid("Content-Type", "must be a media type (RFC 9110, 8.3)"));
        }
    }

    /** Jersey parses a header once per request, when first asked, and keeps the result. */
    private static boolean parses(Runnable parser) {
        try {
            parser.run();
            return true;
        } catch (ProcessingException malformed) {
            return false;
        }
    }

    private void refuse(ContainerRequestContext request, ProblemException problem) {
        request.abortWith(unmatched.answer(request.getMethod(), Problems.instance(request.getUriInfo()),
                request::getHeaderString, problem.status(), () -> Problems.response(problem, request.getUriInfo())));
    }
}
