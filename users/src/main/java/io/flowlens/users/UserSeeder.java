package io.flowlens.users;

import java.util.List;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.flowlens.contracts.users.model.UserCreate;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Registers the configured seed users ({@code flowlens.users.seed}, "Name &lt;email&gt;" comma-separated) when the
 * database is empty, so a fresh start can run {@code /demo/full-flow/1} at once.
 */
@ApplicationScoped
public class UserSeeder {

    private static final Logger LOGGER = Logger.getLogger(UserSeeder.class.getName());
    private static final Pattern ENTRY = Pattern.compile("\\s*(.+?)\\s*<([^>]+)>\\s*");

    private final UserRegistry registry;
    private final List<String> seed;

    @Inject
    public UserSeeder(UserRegistry registry, @ConfigProperty(name = "flowlens.users.seed") List<String> seed) {
        this.registry = registry;
        this.seed = seed;
    }

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        if (registry.count() > 0) {
            return;
        }
        for (String entry : seed) {
            Matcher matcher = ENTRY.matcher(entry);
            if (!matcher.matches()) {
                throw new IllegalStateException("flowlens.users.seed entry is not 'Name <email>': " + entry);
            }
            registry.register(new UserCreate().name(matcher.group(1)).email(matcher.group(2)));
        }
        LOGGER.info(() -> "Seeded " + seed.size() + " users");
    }
}
