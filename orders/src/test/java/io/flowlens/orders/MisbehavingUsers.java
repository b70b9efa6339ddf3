package io.flowlens.orders;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import io.flowlens.contracts.users.api.UsersApi;
import io.flowlens.contracts.users.model.User;
import io.flowlens.contracts.users.model.UserCreate;
import io.flowlens.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/**
 * A users service that fails the ways a real one can, served by the test's own server under {@code /misbehaving/users}
 * so the orders service's generated client meets the failure over real HTTP: user {@link #FAILING} is a server error,
 * user {@link #SLOW} answers only after {@link #SLOWNESS}, every other user does not exist.
 */
@ApplicationScoped
@Path("/misbehaving/users")
public class MisbehavingUsers implements UsersApi {

    static final long FAILING = 500;
    static final long SLOW = 504;
    static final Duration SLOWNESS = Duration.ofSeconds(2);

    @Override
    public Response createUser(UserCreate request, String idempotencyKey) {
        return Response.status(Response.Status.NOT_IMPLEMENTED).build();
    }

    @Override
    public Response getUser(Long userId) {
        if (userId == FAILING) {
            throw new ProblemException(500, "internal", "Internal server error", "users failed on purpose", null);
        }
        if (userId == SLOW) {
            try {
                Thread.sleep(SLOWNESS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Response.ok(new User().id(userId).name("Slow").email("slow@example.com")
                    .createdAt(OffsetDateTime.now(ZoneOffset.UTC))).build();
        }
        throw ProblemException.notFound("user", userId);
    }

    @Override
    public Response listUsers(Integer limit, Integer offset) {
        return Response.status(Response.Status.NOT_IMPLEMENTED).build();
    }
}
