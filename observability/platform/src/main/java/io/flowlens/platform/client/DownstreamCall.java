package io.flowlens.platform.client;

import io.flowlens.platform.idempotency.IdempotencyFilter;
import io.flowlens.platform.problem.ProblemException;
import io.flowlens.platform.problem.Problems;
import io.flowlens.platform.tracing.FlowlensAttributes;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.function.Supplier;

import io.flowlens.contracts.problem.Problem;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.ReadableSpan;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * Calls another Flowlens service through its generated REST client and turns every way that can fail into a
 * {@link ProblemException}: the callee's 4xx keeps its status and problem body (the caller asked for something wrong),
 * its 5xx becomes 502, a refused connection or an open circuit 503, and a timeout (or the callee's 409
 * idempotency-in-progress: still busy with an earlier attempt) 504. The failures worth another try (unreachable,
 * timed out, still in progress, the callee's 503) are {@link RetryableDownstreamException}.
 */
public final class DownstreamCall {

    private DownstreamCall() {
    }

    public static <T> T call(String service, Supplier<T> call) {
        Context before = Context.current();
        try {
            return call.get();
        } catch (WebApplicationException e) {
            throw fromResponse(service, e);
        } catch (ProcessingException e) {
            throw timedOut(e) || Thread.currentThread().isInterrupted()
                    ? gatewayTimeout(service, e)
                    : new RetryableDownstreamException(503, "downstream-unavailable", "Downstream service unavailable",
                    service + " cannot be reached", e);
        } catch (TimeoutException e) {
            throw gatewayTimeout(service, e);
        } catch (CircuitBreakerOpenException e) {
            throw new ProblemException(503, "downstream-unavailable", "Downstream service unavailable",
                    service + " is failing; calls are paused by the circuit breaker", e);
        } finally {
            endAbandonedClientSpan(service, before);
        }
    }

    /**
     * The REST client's telemetry starts its span and makes it current in a request filter, and ends both in the
     * response filter. A call cut off by a Fault Tolerance timeout never reaches the response filter: its span
     * would never end (so the callee's server span points to a parent that is never exported) and would stay the
     * thread's current span (so every later span of the request would hang under it). End it as an error and
     * put the caller's context back.
     */
    private static void endAbandonedClientSpan(String service, Context before) {
        Context now = Context.current();
        if (now == before) {
            return;
        }
        Span left = Span.fromContext(now);
        String callerSpanId = Span.fromContext(before).getSpanContext().getSpanId();
        if (left instanceof ReadableSpan readable && !readable.hasEnded() && readable.getKind() == SpanKind.CLIENT
                && readable.getParentSpanContext().getSpanId().equals(callerSpanId)) {
            left.setStatus(StatusCode.ERROR, service + " did not answer before the call was cut off");
            left.setAttribute(FlowlensAttributes.ERROR_TYPE, "timeout");
            left.end();
        }
        // never closed: the scope the client opened is lost with its filter; this puts the caller's context back
        @SuppressWarnings({"resource", "unused"})
        Scope restored = before.makeCurrent();
    }

    private static ProblemException fromResponse(String service, WebApplicationException e) {
        Response response = e.getResponse();
        int status = response.getStatus();
        if (status >= 500) {
            String detail = service + " answered " + status;
            // a 503 is the callee saying so itself (not ready, pool exhausted, its own dependency down): worth
            // another try; any other 5xx is its answer
            return status == 503
                    ? new RetryableDownstreamException(502, "downstream-error", "Downstream service failed", detail, e)
                    : new ProblemException(502, "downstream-error", "Downstream service failed", detail, e);
        }
        Problem problem = readProblem(response);
        if (status == 409 && problem != null && (Problems.TYPE_BASE + IdempotencyFilter.IN_PROGRESS).equals(problem.getType())) {
            // an earlier attempt with this key still runs at the callee (it timed out here, not there): to our
            // caller that is the same as no answer in time, and a later try may get the first attempt's answer
            return new RetryableDownstreamException(504, "downstream-timeout", "Downstream service timed out",
                    service + " is still working on an earlier attempt of this request", null);
        }
        if (problem == null) {
            return new ProblemException(status, "http-" + status, "Downstream rejected the request",
                    service + " answered " + status, null);
        }
        String type = problem.getType() != null && problem.getType().startsWith(Problems.TYPE_BASE)
                ? problem.getType().substring(Problems.TYPE_BASE.length()) : "http-" + status;
        return ProblemException.forwarded(status, type, problem.getTitle(), problem.getDetail(), problem.getViolations());
    }

    private static Problem readProblem(Response response) {
        try {
            return response.hasEntity() ? response.readEntity(Problem.class) : null;
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    private static ProblemException gatewayTimeout(String service, Throwable cause) {
        return new RetryableDownstreamException(504, "downstream-timeout", "Downstream service timed out",
                service + " did not answer in time", cause);
    }

    private static boolean timedOut(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            // an interrupt is how the Fault Tolerance @Timeout stops a call that takes too long
            if (t instanceof SocketTimeoutException || t instanceof HttpTimeoutException
                    || t instanceof java.util.concurrent.TimeoutException || t instanceof InterruptedException
                    || t instanceof InterruptedIOException) {
                return true;
            }
            if (t instanceof ConnectException) {
                return false;
            }
        }
        return false;
    }
}
