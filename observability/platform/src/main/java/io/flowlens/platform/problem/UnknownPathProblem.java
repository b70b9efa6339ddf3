package io.flowlens.platform.problem;

import io.flowlens.servercheck.RoutingAddition;
import io.helidon.http.NotFoundException;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * A path nothing serves (no resource, and none of Helidon's own routes: health, OpenAPI, metrics) is a 404 problem,
 * as every 4xx of the contracts is, in a span of its own ({@link TracedRefusal}). Helidon's default answer was
 * {@code text/plain} "Endpoint not found", outside any trace.
 */
@ApplicationScoped
public class UnknownPathProblem extends RoutingAddition {

    private final TracedRefusal refusal;

    @Inject
    public UnknownPathProblem(TracedRefusal refusal) {
        this.refusal = refusal;
    }

    @Override
    protected void addTo(HttpRouting.Builder routing) {
        routing.error(NotFoundException.class, this::answer);
    }

    private void answer(ServerRequest request, ServerResponse response, NotFoundException notFound) {
        refusal.send(request, response, ProblemException.notFound("nothing is served at "
                + request.prologue().method().text() + " " + request.prologue().uriPath().rawPath()));
    }
}
