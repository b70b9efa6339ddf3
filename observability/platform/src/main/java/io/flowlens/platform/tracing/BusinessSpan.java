package io.flowlens.platform.tracing;

import io.flowlens.platform.problem.ProblemException;
import io.flowlens.platform.problem.Problems;

import java.util.concurrent.Callable;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;

/**
 * Runs a piece of business logic in its own INTERNAL span ({@code orders.create}, {@code flow.run}), current while it
 * runs so that database and client spans nest under it. Failures are recorded the same way {@link Problems} records
 * them on server spans: 5xx and unexpected exceptions mark the span ERROR, a caller's 4xx only sets {@code error.type}.
 */
public final class BusinessSpan {

    private BusinessSpan() {
    }

    /** Business code whose checked exceptions are rethrown unchanged. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Span span) throws Exception;
    }

    public static <T> T call(Tracer tracer, String name, Attributes attributes, Work<T> work) {
        Span span = tracer.spanBuilder(name).setSpanKind(SpanKind.INTERNAL).setAllAttributes(attributes).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            return work.run(span);
        } catch (ProblemException e) {
            recordFailure(span, e, e.status());
            throw e;
        } catch (RuntimeException e) {
            recordFailure(span, e, 500);
            throw e;
        } catch (Exception e) {
            recordFailure(span, e, 500);
            throw new IllegalStateException(name + " failed", e);
        } finally {
            span.end();
        }
    }

    public static void run(Tracer tracer, String name, Attributes attributes, Callable<?> work) {
        call(tracer, name, attributes, span -> work.call());
    }

    /** Marks a span as failed: status ERROR for server-side failures, always {@code error.type}. */
    public static void recordFailure(Span span, Throwable failure, int httpStatus) {
        span.setAttribute(FlowlensAttributes.ERROR_TYPE, failure instanceof ProblemException problem
                ? problem.type() : failure.getClass().getName());
        if (httpStatus >= 500) {
            span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
            span.recordException(failure);
        }
    }
}
