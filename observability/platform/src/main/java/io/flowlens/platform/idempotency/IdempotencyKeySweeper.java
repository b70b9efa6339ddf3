package io.flowlens.platform.idempotency;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.flowlens.platform.db.TracedDatabase;
import io.flowlens.platform.tracing.BusinessSpan;
import io.helidon.microprofile.scheduling.FixedRate;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Idempotency keys are kept for {@code flowlens.idempotency.retention}: a retry after that runs the request again.
 * Every ten minutes (Helidon scheduling; {@code io.flowlens.platform.idempotency.IdempotencyKeySweeper.sweep.schedule.*}
 * overrides it) the expired keys are deleted, oldest first, in batches of {@code flowlens.idempotency.sweep-batch}
 * rows, each its own short transaction, at most {@value #MAX_BATCHES} batches a round, so a backlog never holds a long
 * lock or a connection for long. A key still leased by a running request is left alone. Span {@code idempotency.sweep}.
 */
@ApplicationScoped
public class IdempotencyKeySweeper {

    static final AttributeKey<Long> DELETED = AttributeKey.longKey("flowlens.idempotency.deleted");
    static final int MAX_BATCHES = 20;
    private static final Logger LOGGER = Logger.getLogger(IdempotencyKeySweeper.class.getName());

    private final TracedDatabase database;
    private final Tracer tracer;
    private final Duration retention;
    private final int batch;

    @Inject
    public IdempotencyKeySweeper(TracedDatabase database, Tracer tracer,
                                 @ConfigProperty(name = "flowlens.idempotency.retention", defaultValue = "PT24H")
                                 Duration retention,
                                 @ConfigProperty(name = "flowlens.idempotency.sweep-batch", defaultValue = "500") int batch) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalStateException("flowlens.idempotency.retention must be positive, not " + retention);
        }
        if (batch < 1) {
            throw new IllegalStateException("flowlens.idempotency.sweep-batch must be at least 1, not " + batch);
        }
        this.database = database;
        this.tracer = tracer;
        this.retention = retention;
        this.batch = batch;
    }

    @FixedRate(initialDelay = 60, value = 600, timeUnit = TimeUnit.SECONDS)
    void sweep() {
        try {
            long deleted = deleteExpired(Instant.now());
            if (deleted > 0) {
                LOGGER.fine(() -> "deleted " + deleted + " idempotency key(s) older than " + retention);
            }
        } catch (RuntimeException e) {
            // a database outage must not end the schedule: the next round tries again
            LOGGER.log(Level.WARNING, "idempotency key sweep failed; the next round tries again", e);
        }
    }

    /** One round as if it were {@code now}: answers how many keys were deleted. */
    public long deleteExpired(Instant now) {
        Timestamp cutoff = Timestamp.from(now.minus(retention));
        Timestamp at = Timestamp.from(now);
        return BusinessSpan.call(tracer, "idempotency.sweep", Attributes.empty(), span -> {
            long deleted = 0;
            for (int round = 0; round < MAX_BATCHES; round++) {
                int removed = database.update("idempotency_keys", "DELETE FROM idempotency_keys WHERE idempotency_key IN"
                        + " (SELECT idempotency_key FROM idempotency_keys WHERE created_at < ?"
                        + " AND (lease_until IS NULL OR lease_until < ?) ORDER BY created_at LIMIT ?)", statement -> {
                            statement.setTimestamp(1, cutoff);
                            statement.setTimestamp(2, at);
                            statement.setInt(3, batch);
                        });
                deleted += removed;
                if (removed < batch) {
                    break;
                }
            }
            span.setAttribute(DELETED, deleted);
            return deleted;
        });
    }
}
