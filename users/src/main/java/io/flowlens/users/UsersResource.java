package io.flowlens.users;

import java.net.URI;

import io.flowlens.contracts.users.api.UsersApi;
import io.flowlens.contracts.users.model.User;
import io.flowlens.contracts.users.model.UserCreate;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

/** HTTP side of the contract; validation already happened against the generated interface's constraints. */
@ApplicationScoped
public class UsersResource implements UsersApi {

    private final UserRegistry registry;

    @Inject
    public UsersResource(UserRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Response createUser(UserCreate userCreate, String idempotencyKey) {
        User user = registry.register(userCreate);
        return Response.created(URI.create("/users/" + user.getId())).entity(user).build();
    }

    @Override
    public Response getUser(Long userId) {
        return Response.ok(registry.get(userId)).build();
    }

    @Override
    public Response listUsers(Integer limit, Integer offset) {
        return Response.ok(registry.page(limit, offset)).build();
    }
}
