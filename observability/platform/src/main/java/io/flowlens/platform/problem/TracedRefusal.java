package io.flowlens.platform.problem;

import java.nio.charset.StandardCharsets;

import io.flowlens.contracts.problem.Problem;
import io.flowlens.servercheck.RefusedRequestAnswer;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;

/**
 * A request refused before any resource method ran is answered as every other problem of the services: in a span of
 * its own that continues the caller's trace ({@link UnmatchedRequestSpan}), with the trace id in the problem. Used for
 * server-check's query grammar (a caller sending {@code ?q=a|b} was answered outside any trace, invisible in Jaeger)
 * and for a path nothing serves ({@link UnknownPathProblem}).
 */
@ApplicationScoped
public class TracedRefusal implements RefusedRequestAnswer {

    private final UnmatchedRequestSpan unmatched;
    /** The JSON-B that writes every other problem, so this one reads the same. */
    private final Jsonb jsonb;

    @Inject
    public TracedRefusal(UnmatchedRequestSpan unmatched, StrictJsonbResolver jsonb) {
        this.unmatched = unmatched;
        this.jsonb = jsonb.getContext(Problem.class);
    }

    @Override
    public void answer(RoutingRequest request, RoutingResponse response, Status status, String type, String title,
                       String detail) {
        send(request, response, new ProblemException(status.code(), type, title, detail, null));
    }

    /** Sends the problem for a request that reached no resource method, traced as {@link UnmatchedRequestSpan} says. */
    void send(ServerRequest request, ServerResponse response, ProblemException problem) {
        String path = request.prologue().uriPath().rawPath();
        byte[] body = unmatched.answer(request.prologue().method().text(), path,
                name -> request.headers().first(HeaderNames.create(name)).orElse(null), problem.status(),
                () -> jsonb.toJson(Problems.problem(problem, path)).getBytes(StandardCharsets.UTF_8));
        response.status(Status.create(problem.status()));
        response.header(HeaderNames.CONTENT_TYPE, Problems.MEDIA_TYPE);
        response.send(body);
    }
}
