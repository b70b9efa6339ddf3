package io.flowlens.console;

import java.util.List;

import io.flowlens.analytics.UsageException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;
import org.glassfish.jersey.model.Parameter;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.server.model.ResourceMethod;

/**
 * A query parameter the matched JSON API method does not declare is a 400 naming it, as the services answer one:
 * {@code /api/alerts?rules=mine.yaml} answered with the built-in rules as if asked for them, and
 * {@code /api/flows?outcom=declined} with every flow. The pages ({@link Pages}) take any query: their script reads it.
 */
@Provider
@ApplicationScoped
public class DeclaredParameters implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        if (!(request.getUriInfo() instanceof ExtendedUriInfo uriInfo) || !uriInfo.getPath().startsWith("api/")) {
            return;
        }
        ResourceMethod method = uriInfo.getMatchedResourceMethod();
        if (method == null) {
            return;
        }
        List<String> declared = method.getInvocable().getParameters().stream()
                .filter(parameter -> parameter.getSource() == Parameter.Source.QUERY)
                .map(Parameter::getSourceName).toList();
        for (String name : uriInfo.getQueryParameters().keySet()) {
            if (!declared.contains(name)) {
                throw new UsageException(name + " is not a parameter of /" + uriInfo.getPath() + ", which takes "
                        + (declared.isEmpty() ? "none" : String.join(", ", declared)));
            }
        }
    }
}
