package io.flowlens.platform.problem;

import java.util.List;
import java.util.function.Function;
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

/**
 * A SERVER span for a request that reached no resource method: a 405, 406 or 415 that JAX-RS decides while matching,
 * or a path nothing serves (Helidon's 404). MicroProfile Telemetry's span comes from a JAX-RS filter that runs only
 * after a match, so such a request was answered without any span: a caller sending the wrong method, media type or
 * path was invisible in Jaeger, and its problem carried no trace id. The span follows the OpenTelemetry HTTP
 * conventions for a request without a route (named by its method), continues the caller's {@code traceparent}, and is
 * current while the answer is built.
 */
@ApplicationScoped
public class UnmatchedRequestSpan {

    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");

    /** Reads the propagation headers through a lookup by name; the W3C propagator never lists the keys. */
    private static final TextMapGetter<Function<String, String>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Function<String, String> header) {
            return List.of();
        }

        @Override
        public String get(Function<String, String> header, String name) {
            return header == null ? null : header.apply(name);
        }
    };

    private final OpenTelemetry openTelemetry;
    private final Tracer tracer;

    @Inject
    public UnmatchedRequestSpan(OpenTelemetry openTelemetry, Tracer tracer) {
        this.openTelemetry = openTelemetry;
        this.tracer = tracer;
    }

    /**
     * What {@code answer} builds, inside a span of its own when no server span is current.
     *
     * @param header the request's header value by name, {@code null} when absent
     */
    public <T> T answer(String method, String path, Function<String, String> header, int status, Supplier<T> answer) {
        if (Span.current().getSpanContext().isValid()) {
            return answer.get();
        }
        Context parent = openTelemetry.getPropagators().getTextMapPropagator().extract(Context.root(), header, HEADERS);
        Span span = tracer.spanBuilder(method).setParent(parent).setSpanKind(SpanKind.SERVER)
                .setAttribute(METHOD, method)
                .setAttribute(PATH, path)
                .setAttribute(STATUS, (long) status)
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            return answer.get();
        } finally {
            span.end();
        }
    }
}
