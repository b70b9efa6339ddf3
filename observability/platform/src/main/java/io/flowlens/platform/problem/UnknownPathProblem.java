package io.flowlens.platform.problem;

import java.nio.charset.StandardCharsets;

import io.flowlens.contracts.problem.Problem;
import io.flowlens.servercheck.RoutingAddition;
import io.helidon.http.HeaderNames;
import io.helidon.http.NotFoundException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;

/**
 * A path nothing serves (no resource, and none of Helidon's own routes: health, OpenAPI, metrics) is a 404 problem,
 * as every 4xx of the contracts is, in a span of its own ({@link UnmatchedRequestSpan}). Helidon's default answer was
 * {@code text/plain} "Endpoint not found", outside any trace.
 */
@ApplicationScoped
public class UnknownPathProblem extends RoutingAddition {

    private final UnmatchedRequestSpan unmatched;
    /** The JSON-B that writes every other problem, so this one reads the same. */
    private final Jsonb jsonb;

    @Inject
    public UnknownPathProblem(UnmatchedRequestSpan unmatched, StrictJsonbResolver jsonb) {
        this.unmatched = unmatched;
        this.jsonb = jsonb.getContext(Problem.class);
    }

    @Override
    protected void addTo(HttpRouting.Builder routing) {
        routing.error(NotFoundException.class, this::answer);
    }

    private void answer(ServerRequest request, ServerResponse response, NotFoundException notFound) {
        String method = request.prologue().method().text();
        String path = request.prologue().uriPath().rawPath();
        byte[] body = unmatched.answer(method, path,
                name -> request.headers().first(HeaderNames.create(name)).orElse(null), 404,
                () -> jsonb.toJson(Problems.problem(ProblemException.notFound("nothing is served at " + method + " "
                        + path), path)).getBytes(StandardCharsets.UTF_8));
        response.status(Status.NOT_FOUND_404);
        response.header(HeaderNames.CONTENT_TYPE, Problems.MEDIA_TYPE);
        response.send(body);
    }
}
