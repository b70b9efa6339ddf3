package io.flowlens.servercheck;

import java.nio.charset.StandardCharsets;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import jakarta.json.Json;

/**
 * Answers a request that a check here refuses before it is routed (a malformed query, a request whose body length is
 * unknown), as a problem+json. With no bean of this type the answer is the problem alone; a module that traces its
 * requests provides one that also puts the refusal in a span of its own and the trace id in the problem, as it does for
 * its other problems: without that, such a request was answered outside any trace, invisible in Jaeger.
 */
public interface RefusedRequestAnswer {

    /**
     * Sends the problem.
     *
     * @param type the problem type's name under {@code https://flowlens.io/problems/}, e.g. {@code malformed-query}
     */
    void answer(RoutingRequest request, RoutingResponse response, Status status, String type, String title,
                String detail);

    /** The problem alone, for a module without tracing, which has no trace id to add. */
    RefusedRequestAnswer PROBLEM_ONLY = RefusedRequestAnswer::problemOnly;

    private static void problemOnly(RoutingRequest request, RoutingResponse response, Status status, String type,
                                    String title, String detail) {
        response.status(status);
        response.header(HeaderNames.CONTENT_TYPE, "application/problem+json");
        response.send(Json.createObjectBuilder().add("type", "https://flowlens.io/problems/" + type)
                .add("title", title).add("status", status.code()).add("detail", detail)
                .add("instance", request.prologue().uriPath().rawPath()).build().toString()
                .getBytes(StandardCharsets.UTF_8));
    }
}
