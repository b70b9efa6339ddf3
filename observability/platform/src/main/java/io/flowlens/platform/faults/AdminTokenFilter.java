package io.flowlens.platform.faults;

import io.flowlens.platform.problem.ProblemException;
import io.flowlens.platform.problem.Problems;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

import io.flowlens.contracts.admin.api.AdminApi;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glassfish.jersey.server.ExtendedUriInfo;

/**
 * The door of the admin contract's endpoints (every resource implementing {@link AdminApi}). Without
 * {@code flowlens.admin.token} they do not exist (404); with it, every call must carry that token as a bearer token, or
 * it is a 401 with {@code WWW-Authenticate: Bearer} (RFC 9110 requires the header). Decided before the request's
 * parameters and body are looked at, so a caller without the token learns nothing from a validation problem. The
 * token is compared in constant time and never logged.
 */
@Provider
@ApplicationScoped
// after the telemetry filter (USER), so a refusal is on the request's span; before StrictParameters (USER + 50)
@Priority(Priorities.USER + 10)
public class AdminTokenFilter implements ContainerRequestFilter {

    private static final String BEARER = "Bearer ";

    private final Optional<byte[]> token;

    @Inject
    public AdminTokenFilter(@ConfigProperty(name = "flowlens.admin.token") Optional<String> token) {
        this.token = token.filter(t -> !t.isBlank()).map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (!(request.getUriInfo() instanceof ExtendedUriInfo matched) || matched.getMatchedResourceMethod() == null
                || !AdminApi.class.isAssignableFrom(matched.getMatchedResourceMethod().getInvocable().getHandler()
                        .getHandlerClass())) {
            return;
        }
        if (token.isEmpty()) {
            request.abortWith(Problems.response(
                    ProblemException.notFound("fault injection is off: this service has no flowlens.admin.token"),
                    request.getUriInfo()));
            return;
        }
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        byte[] presented = authorization != null && authorization.startsWith(BEARER)
                ? authorization.substring(BEARER.length()).getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(presented, token.get())) {
            Response problem = Problems.response(new ProblemException(401, "unauthorized", "Unauthorized",
                    "a valid admin bearer token is required", null), request.getUriInfo());
            request.abortWith(Response.fromResponse(problem).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build());
        }
    }
}
