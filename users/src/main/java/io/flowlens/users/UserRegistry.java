package io.flowlens.users;

import java.util.List;

import io.flowlens.contracts.users.model.User;
import io.flowlens.contracts.users.model.UserCreate;
import io.flowlens.contracts.users.model.UserPage;
import io.flowlens.platform.tracing.BusinessSpan;
import io.flowlens.platform.problem.ProblemException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import static io.flowlens.platform.tracing.FlowlensAttributes.USER_ID;

/** Registering and finding users: the business rules between the HTTP resource and the table. */
@ApplicationScoped
public class UserRegistry {

    static final AttributeKey<String> EMAIL_DOMAIN = AttributeKey.stringKey("flowlens.user.email_domain");

    private final UserStore store;
    private final Tracer tracer;

    @Inject
    public UserRegistry(UserStore store, Tracer tracer) {
        this.store = store;
        this.tracer = tracer;
    }

    /** Registers a user under the normalized e-mail address; 409 when the address is taken. */
    public User register(UserCreate request) {
        String email = EmailAddress.normalize(request.getEmail());
        return BusinessSpan.call(tracer, "users.register", Attributes.of(EMAIL_DOMAIN, EmailAddress.domain(email)), span -> {
            User user;
            try {
                user = store.insert(request.getName().strip(), email);
            } catch (ProblemException conflict) {
                if (conflict.status() != 409) {
                    throw conflict;
                }
                // the e-mail address is the table's one unique value: say so in the request's terms, not the table's
                throw ProblemException.conflict("a user with e-mail address " + email + " exists");
            }
            span.setAttribute(USER_ID, user.getId());
            return user;
        });
    }

    public User get(long id) {
        return store.find(id).orElseThrow(() -> ProblemException.notFound("user", id));
    }

    public UserPage page(int limit, int offset) {
        List<User> items = store.page(limit, offset);
        return new UserPage().items(items).limit(limit).offset(offset).total(store.count());
    }

    public long count() {
        return store.count();
    }
}
