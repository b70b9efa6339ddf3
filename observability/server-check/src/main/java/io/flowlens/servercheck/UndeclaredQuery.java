package io.flowlens.servercheck;

import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.container.ContainerRequestContext;
import org.glassfish.jersey.model.Parameter;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.server.model.ResourceMethod;

/**
 * The query parameters a request sent that its matched JAX-RS resource method does not declare. JAX-RS ignores them,
 * so a misspelt one was answered as if it were absent: {@code ?amuont=10} ran the full flow at the default amount,
 * {@code /api/flows?outcom=declined} listed every flow. The services and the console refuse them, each as its own
 * problem; this is the rule they share.
 *
 * @param names    the undeclared ones, as sent
 * @param declared the method's own query parameters
 */
public record UndeclaredQuery(List<String> names, List<String> declared) {

    /** Empty when every parameter is declared, and when no resource method matched. */
    public static Optional<UndeclaredQuery> of(ContainerRequestContext request) {
        if (!(request.getUriInfo() instanceof ExtendedUriInfo uriInfo)) {
            return Optional.empty();
        }
        ResourceMethod method = uriInfo.getMatchedResourceMethod();
        if (method == null) {
            return Optional.empty();
        }
        List<String> declared = method.getInvocable().getParameters().stream()
                .filter(parameter -> parameter.getSource() == Parameter.Source.QUERY)
                .map(Parameter::getSourceName).toList();
        List<String> names = uriInfo.getQueryParameters().keySet().stream()
                .filter(name -> !declared.contains(name)).toList();
        return names.isEmpty() ? Optional.empty() : Optional.of(new UndeclaredQuery(names, declared));
    }

    /** What the method takes, for the refusal: {@code amount, currency}, or {@code none}. */
    public String takes() {
        return declared.isEmpty() ? "none" : String.join(", ", declared);
    }
}
