package io.flowlens.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import io.flowlens.servercheck.RoutingAddition;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.NotFoundException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A path the console does not serve. A page's path (GET outside {@code /api/} and {@code /assets/}) answers 404 with
 * the console's page, whose script says there is no view there and keeps the navigation to the views that exist;
 * anything else is a 404 problem, like the API's other refusals. Helidon's default was {@code text/plain} "Endpoint
 * not found": a dead end in a browser, and not the problem+json the API's callers read.
 */
@ApplicationScoped
public class UnknownPage extends RoutingAddition {

    @Override
    protected void addTo(HttpRouting.Builder routing) {
        routing.error(NotFoundException.class, UnknownPage::answer);
    }

    private static void answer(ServerRequest request, ServerResponse response, NotFoundException notFound) {
        Method method = request.prologue().method();
        String path = request.prologue().uriPath().rawPath();
        response.status(Status.NOT_FOUND_404);
        if ((method == Method.GET || method == Method.HEAD) && !path.startsWith("/api/")
                && !path.startsWith("/assets/")) {
            response.header(HeaderNames.CONTENT_TYPE, Pages.HTML);
            response.send(page());
            return;
        }
        response.header(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE);
        response.send(Problem.json(404, "not-found", "Not found", "nothing is served at " + method.text() + " " + path,
                path).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] page() {
        try {
            return Pages.page();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
