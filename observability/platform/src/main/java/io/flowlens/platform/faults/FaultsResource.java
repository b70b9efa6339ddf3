package io.flowlens.platform.faults;

import io.flowlens.platform.problem.ProblemException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

import io.flowlens.contracts.admin.api.AdminApi;
import io.flowlens.contracts.admin.model.FaultName;
import io.flowlens.contracts.admin.model.FaultSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code /admin/faults} of every service (contract admin.yaml). Without {@code flowlens.admin.token} the endpoint does
 * not exist (404); with it, every call must carry that token as a bearer token (401 otherwise). The token is compared
 * in constant time and never logged.
 */
@ApplicationScoped
public class FaultsResource implements AdminApi {

    private static final String BEARER = "Bearer ";

    private final FaultInjector faults;
    private final Optional<byte[]> token;

    @Context
    private HttpHeaders headers;

    @Inject
    public FaultsResource(FaultInjector faults, @ConfigProperty(name = "flowlens.admin.token") Optional<String> token) {
        this.faults = faults;
        this.token = token.filter(t -> !t.isBlank()).map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Response listFaults() {
        authorize();
        return Response.ok(faults.all()).build();
    }

    @Override
    public Response setFault(FaultName fault, FaultSettings faultSettings) {
        authorize();
        return Response.ok(faults.set(fault, faultSettings)).build();
    }

    @Override
    public Response clearFault(FaultName fault) {
        authorize();
        return Response.ok(faults.clear(fault)).build();
    }

    private void authorize() {
        if (token.isEmpty()) {
            throw new ProblemException(404, "not-found", "Resource not found",
                    "fault injection is off: this service has no flowlens.admin.token", null);
        }
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        byte[] presented = authorization != null && authorization.startsWith(BEARER)
                ? authorization.substring(BEARER.length()).getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(presented, token.get())) {
            throw new ProblemException(401, "unauthorized", "Unauthorized",
                    "a valid admin bearer token is required", null);
        }
    }
}
