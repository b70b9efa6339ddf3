package io.flowlens.console;

import io.flowlens.analytics.UsageException;
import io.flowlens.servercheck.UndeclaredQuery;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * A query parameter the matched JSON API method does not declare is a 400 naming it, as the services answer one
 * ({@link UndeclaredQuery}): {@code /api/alerts?rules=mine.yaml} answered with the built-in rules as if asked for them,
 * and {@code /api/flows?outcom=declined} with every flow. The pages ({@link Pages}) take any query: their script
 * reads it.
 */
@Provider
@ApplicationScoped
public class DeclaredParameters implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("api/")) {
            return;
        }
        UndeclaredQuery.of(request).ifPresent(undeclared -> {
            throw new UsageException(undeclared.names().get(0) + " is not a parameter of /" + path + ", which takes "
                    + undeclared.takes());
        });
    }
}
