package io.flowlens.platform.db;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** A service is ready when its database answers; {@code /health/ready} reports it. */
@Readiness
@ApplicationScoped
public class DatabaseReadinessCheck implements HealthCheck {

    private final TracedDatabase database;

    @Inject
    public DatabaseReadinessCheck(TracedDatabase database) {
        this.database = database;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("database").status(database.isReachable(2)).build();
    }
}
