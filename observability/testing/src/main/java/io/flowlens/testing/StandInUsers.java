package io.flowlens.testing;

import io.flowlens.platform.problem.ProblemException;

import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import io.flowlens.contracts.users.api.UsersApi;
import io.flowlens.contracts.users.model.User;
import io.flowlens.contracts.users.model.UserCreate;
import io.flowlens.contracts.users.model.UserPage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/**
 * A users service for the tests of its callers, served by the test's own server under {@code /fake/users} and
 * implementing the generated server interface, so the caller's generated client really goes over HTTP.
 * Users 1 to 3 exist; any other id is a 404 problem.
 */
@ApplicationScoped
@Path("/fake/users")
public class StandInUsers implements UsersApi {

    private static final AtomicLong IDS = new AtomicLong(100);

    @Override
    public Response createUser(UserCreate request, String idempotencyKey) {
        User user = new User().id(IDS.incrementAndGet()).name(request.getName()).email(request.getEmail())
                .createdAt(OffsetDateTime.now(ZoneOffset.UTC));
        return Response.created(URI.create("/users/" + user.getId())).entity(user).build();
    }

    @Override
    public Response getUser(Long userId) {
        if (userId > 3) {
            throw ProblemException.notFound("user", userId);
        }
        return Response.ok(new User().id(userId).name("User " + userId).email("u" + userId + "@example.com")
                .createdAt(OffsetDateTime.now(ZoneOffset.UTC))).build();
    }

    @Override
    public Response listUsers(Integer limit, Integer offset) {
        return Response.ok(new UserPage().limit(limit).offset(offset).total(3L)).build();
    }
}
