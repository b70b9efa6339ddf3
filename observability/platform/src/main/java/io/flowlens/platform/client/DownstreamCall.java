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
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * Calls another Flowlens service through its generated REST client and turns every way that can fail into a
 * {@link ProblemException}: the callee's 4xx keeps its status and problem body (the caller asked for something wrong),
 * its 503 stays 503, any other 5xx becomes 502, a refused connection or an open circuit 503, and a timeout (or the
 * callee's 409 idempotency-in-progress: still busy with an earlier attempt) 504. The failures worth another try (unreachable,
 * timed out, still in progress, the callee's 503) are {@link RetryableDownstreamException}.
 */
public final class DownstreamCall {

    /** Marks the context a call runs in, so that one the client left behind can be told from it. */
    private static final ContextKey<String> CALLING = ContextKey.named("flowlens.downstream-call");

    private DownstreamCall() {
    }

    @SuppressWarnings("MustBeClosedChecker") // the call's scope outlives a try-with-resources: endCall closes it
    public static <T> T call(String service, Supplier<T> call) {
        Context caller = Context.current();
        Context calling = caller.with(CALLING, service);
        Scope callScope = calling.makeCurrent();
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
            endCall(service, caller, calling, callScope);
        }
    }

    /**
     * The REST client's telemetry starts its span and makes it current in a request filter, and ends both in the
     * response filter. A call cut off by a Fault Tolerance timeout never reaches the response filter: its span
     * would never end (so the callee's server span points to a parent that is never exported) and would stay the
     * thread's current span (so every later span of the request would hang under it). End it as an error, then close
     * the call's own scope, which puts the caller's context back.
     */
    @SuppressWarnings("ReferenceEquality") // which context object is current is the question, not equal contents
    private static void endCall(String service, Context caller, Context calling, Scope callScope) {
        Context left = Context.current();
        if (left == calling) {
            callScope.close();
            return;
        }
        Span abandoned = Span.fromContext(left);
        if (abandoned != Span.fromContext(caller) && abandoned.isRecording()) {
            abandoned.setStatus(StatusCode.ERROR, service + " did not answer before the call was cut off");
            abandoned.setAttribute(FlowlensAttributes.ERROR_TYPE, "timeout");
            abandoned.end();
        }
        // The client's scope went with its response filter and cannot be closed. A scope only restores its
        // predecessor while its own context is current, so make the call's context current once more, close the
        // call's scope (the caller's context is back), then this one, which by then has nothing left to restore.
        try (Scope backToCall = calling.makeCurrent()) {
            callScope.close();
        }
    }

    private static ProblemException fromResponse(String service, WebApplicationException e) {
        Response response = e.getResponse();
        int status = response.getStatus();
        if (status >= 500) {
            String detail = service + " answered " + status;
            // a 503 is the callee saying it cannot serve now (not ready, pool exhausted, its own database down):
            // worth another try, and once the tries are spent our caller hears the same, 503, and may come back
            // later; any other 5xx is the callee's failed answer, a bad gateway to our caller
            return status == 503
                    ? new RetryableDownstreamException(503, "downstream-unavailable", "Downstream service unavailable",
                    detail, e)
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
