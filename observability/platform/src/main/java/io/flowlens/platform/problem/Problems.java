package io.flowlens.platform.problem;

import io.flowlens.platform.tracing.FlowlensAttributes;

import java.util.List;

import io.flowlens.contracts.problem.Problem;
import io.flowlens.contracts.problem.Violation;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * Builds RFC 9457 answers (the contracts' shared {@code Problem} schema) and records the failure on the current span.
 */
public final class Problems {

    /** Problem types are URIs under this base, one per kind of failure. */
    public static final String TYPE_BASE = "https://flowlens.io/problems/";
    public static final String MEDIA_TYPE = "application/problem+json";

    static final AttributeKey<String> ERROR_TYPE = FlowlensAttributes.ERROR_TYPE;
    static final AttributeKey<String> PROBLEM_TYPE = AttributeKey.stringKey("flowlens.problem.type");

    private Problems() {
    }

    /**
     * The answer for a failure. 5xx marks the current span as failed (status ERROR, exception event, {@code error.type});
     * 4xx is the caller's mistake and leaves the span status alone, as OpenTelemetry's HTTP server conventions ask.
     */
    public static Response response(int status, String type, String title, String detail, List<Violation> violations,
                                    UriInfo uriInfo, Throwable cause) {
        Problem problem = problem(status, type, title, detail, violations, instance(uriInfo), cause);
        return Response.status(status).type(MEDIA_TYPE).entity(problem).build();
    }

    /** The body of {@link #response}, recorded on the current span. */
    private static Problem problem(int status, String type, String title, String detail, List<Violation> violations,
                           String instance, Throwable cause) {
        Span span = Span.current();
        span.setAttribute(PROBLEM_TYPE, type);
        if (status >= 500) {
            span.setStatus(StatusCode.ERROR, title);
            span.setAttribute(ERROR_TYPE, cause == null ? String.valueOf(status) : cause.getClass().getName());
            if (cause != null) {
                span.recordException(cause);
            }
        }
        Problem problem = new Problem()
                .type(TYPE_BASE + type)
                .title(title)
                .status(status)
                .detail(detail)
                .instance(instance)
                .traceId(currentTraceId());
        // the generated model starts with an empty list; only validation problems list violations
        problem.setViolations(violations == null || violations.isEmpty() ? null : violations);
        return problem;
    }

    /** The request's path, as a problem's {@code instance} names it; {@code null} without a request. */
    static String instance(UriInfo uriInfo) {
        return uriInfo == null ? null : "/" + uriInfo.getPath(false).replaceFirst("^/", "");
    }

    /** The answer for a {@link ProblemException}: its status, type, detail and violations. */
    public static Response response(ProblemException problem, UriInfo uriInfo) {
        return Response.status(problem.status()).type(MEDIA_TYPE).entity(problem(problem, instance(uriInfo))).build();
    }

    /** The body of {@link #response(ProblemException, UriInfo)}, for an answer written outside JAX-RS. */
    static Problem problem(ProblemException problem, String instance) {
        return problem(problem.status(), problem.type(), problem.title(), problem.getMessage(), problem.violations(),
                instance, problem.getCause() == null ? problem : problem.getCause());
    }

    /** The W3C trace id of the request being served, or {@code null} outside a trace. */
    public static String currentTraceId() {
        SpanContext context = Span.current().getSpanContext();
        return context.isValid() ? context.getTraceId() : null;
    }
}
