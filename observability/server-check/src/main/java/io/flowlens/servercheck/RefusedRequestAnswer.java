package io.flowlens.servercheck;

import io.helidon.http.Status;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Answers a request that a check here refuses before it is routed (a malformed query), as a problem+json. With no bean
 * of this type the answer is the problem alone; a module that traces its requests provides one that also puts the
 * refusal in a span of its own and the trace id in the problem, as it does for its other problems: without that, such
 * a request was answered outside any trace, invisible in Jaeger.
 */
public interface RefusedRequestAnswer {

    /**
     * Sends the problem.
     *
     * @param type the problem type's name under {@code https://flowlens.io/problems/}, e.g. {@code malformed-query}
     */
    void answer(RoutingRequest request, RoutingResponse response, Status status, String type, String title,
                String detail);
}
