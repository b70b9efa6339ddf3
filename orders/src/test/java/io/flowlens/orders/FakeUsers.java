package io.flowlens.orders;

import java.time.OffsetDateTime;

import io.flowlens.contracts.users.api.UsersApi;
import io.flowlens.contracts.users.model.User;
import io.flowlens.contracts.users.model.UserCreate;
import io.flowlens.contracts.users.model.UserPage;
import io.flowlens.observability.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/**
 * Stand-in users service served by the test's own server under {@code /fake}, implementing the generated server
 * interface, so the orders service's generated client really goes over HTTP. Users 1 to 3 exist.
 */
@ApplicationScoped
@Path("/fake/users")
public class FakeUsers implements UsersApi {

    @Override
    public Response createUser(UserCreate request, String idempotencyKey) {
        throw new UnsupportedOperationException("orders never creates users");
    }

    @Override
    public Response getUser(Long userId) {
        if (userId > 3) {
            throw ProblemException.notFound("user", userId);
        }
        return Response.ok(new User().id(userId).name("User " + userId).email("u" + userId + "@example.com")
                .createdAt(OffsetDateTime.now())).build();
    }

    @Override
    public Response listUsers(Integer limit, Integer offset) {
        return Response.ok(new UserPage().limit(limit).offset(offset).total(3L)).build();
    }
}
