package io.flowlens.platform.client;

import io.flowlens.platform.problem.ProblemException;

/**
 * A downstream call that may well succeed when made again with the same {@code Idempotency-Key}: the callee could
 * not be reached, did not answer in time, answered 503, or is still running the first attempt (409
 * idempotency-in-progress). The orchestrator's retries apply to this class and to timeouts only; everything else a
 * callee says (a 4xx about the request, a 500) is final and never retried. When the retries run out it is answered
 * like any other {@link ProblemException}.
 */
public final class RetryableDownstreamException extends ProblemException {

    public RetryableDownstreamException(int status, String type, String title, String detail, Throwable cause) {
        super(status, type, title, detail, cause);
    }
}
