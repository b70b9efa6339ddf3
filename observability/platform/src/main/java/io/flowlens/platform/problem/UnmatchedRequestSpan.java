package io.flowlens.platform.problem;

import java.util.function.Supplier;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * A SERVER span for a request that matched no resource method (a 405, 406 or 415 that JAX-RS decides while
 * matching). MicroProfile Telemetry's span comes from a JAX-RS filter that runs only after a match, so such a request
 * was answered without any span: a caller sending the wrong method or media type was invisible in Jaeger, and its
 * problem carried no trace id. The span follows the OpenTelemetry HTTP conventions for a request without a route
 * (named by its method), continues the caller's {@code traceparent}, and is current while the problem is built.
 */
@ApplicationScoped
public class UnmatchedRequestSpan {

    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");

    private static final TextMapGetter<HttpHeaders> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpHeaders headers) {
            return headers.getRequestHeaders().keySet();
        }

        @Override
        public String get(HttpHeaders headers, String name) {
            return headers == null ? null : headers.getHeaderString(name);
        }
    };

    private final OpenTelemetry openTelemetry;
    private final Tracer tracer;

    @Inject
    public UnmatchedRequestSpan(OpenTelemetry openTelemetry, Tracer tracer) {
        this.openTelemetry = openTelemetry;
        this.tracer = tracer;
    }

    /** The answer {@code problem} builds, inside a span of its own when no server span is current. */
    public Response answer(String method, UriInfo uri, HttpHeaders headers, int status, Supplier<Response> problem) {
        if (Span.current().getSpanContext().isValid()) {
            return problem.get();
        }
        Context parent = openTelemetry.getPropagators().getTextMapPropagator().extract(Context.root(), headers, HEADERS);
        Span span = tracer.spanBuilder(method).setParent(parent).setSpanKind(SpanKind.SERVER)
                .setAttribute(METHOD, method)
                .setAttribute(PATH, uri == null ? null : "/" + uri.getPath(false).replaceFirst("^/", ""))
                .setAttribute(STATUS, (long) status)
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            return problem.get();
        } finally {
            span.end();
        }
    }
}
