package io.flowlens.orchestrator;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.flowlens.platform.db.TracedDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The {@code flow_runs} table: a run is written first, as STARTED, once its order exists (before the payment is asked
 * for), and gets its outcome when the saga ends; a run that ends before it has an order is written once, with its
 * outcome. Until its order exists a run has nothing to recover (no order, so no payment: the payment needs the
 * order's id, and the orders service's sweeper cancels an order left PENDING), so a record before it would only cost
 * every flow a commit. A run still STARTED long after is one whose orchestrator died mid-saga; {@link FlowRecovery}
 * finishes it. Every write commits at once, in a transaction of its own, whatever the request's transaction does: the
 * record must outlive a crash of the flow that writes it. An outcome is set once.
 */
@ApplicationScoped
public class FlowRunStore {

    static final String STARTED = "STARTED";
    private static final String TABLE = "flow_runs";

    private final TracedDatabase database;

    @Inject
    public FlowRunStore(TracedDatabase database) {
        this.database = database;
    }

    /** A run that was still STARTED when it was looked at; {@code orderId} is null when no order was made. */
    public record StaleRun(long id, String idempotencyKey, Long orderId) {
    }

    /**
     * One flow's run, not written yet: {@link #orderCreated} writes it, or {@link #finish} if the flow ends first.
     * A flow's own, used by its thread only.
     */
    public static final class Run {
        private final String traceId;
        private final long userId;
        private final BigDecimal amount;
        private final String currency;
        private final String idempotencyKey;
        private final Instant startedAt;
        private Long id;

        private Run(String traceId, long userId, BigDecimal amount, String currency, String idempotencyKey,
                    Instant startedAt) {
            this.traceId = traceId;
            this.userId = userId;
            this.amount = amount;
            this.currency = currency;
            this.idempotencyKey = idempotencyKey;
            this.startedAt = startedAt;
        }

        /** The row's id; empty until the run is written. */
        public Optional<Long> id() {
            return Optional.ofNullable(id);
        }
    }

    /** A run that starts now; nothing is written until its order exists. */
    public Run begin(String traceId, long userId, BigDecimal amount, String currency, String idempotencyKey) {
        return new Run(traceId, userId, amount, currency, idempotencyKey, Instant.now());
    }

    /**
     * Writes the run as STARTED with its order: committed before the payment is asked for, so a crash from here on
     * leaves an order recovery can find. Answers the row's id.
     */
    public long orderCreated(Run run, long orderId) {
        if (run.id != null) {
            throw new IllegalStateException("flow run " + run.id + " has its order already");
        }
        run.id = insertRun(run, orderId, null, STARTED, null);
        return run.id;
    }

    /** Runs still STARTED that began at or before {@code startedBefore}, oldest first. */
    public List<StaleRun> stale(Instant startedBefore, int limit) {
        return database.query(TABLE, "SELECT id, idempotency_key, order_id FROM flow_runs WHERE outcome = ?"
                + " AND started_at <= ? ORDER BY started_at LIMIT " + limit, statement -> {
                    statement.setString(1, STARTED);
                    statement.setTimestamp(2, Timestamp.from(startedBefore));
                }, row -> {
                    long orderId = row.getLong("order_id");
                    Long order = row.wasNull() ? null : orderId; // wasNull speaks of the last column read
                    return new StaleRun(row.getLong("id"), row.getString("idempotency_key"), order);
                });
    }

    public Optional<String> outcome(long runId) {
        return database.queryOne(TABLE, "SELECT outcome FROM flow_runs WHERE id = ?", statement -> statement.setLong(1, runId),
                row -> row.getString(1));
    }

    /**
     * Claims the recovery of a run that is still STARTED for {@code claimant} until {@code until}, unless another
     * claim on it is still running at {@code now}: one conditional UPDATE, so of orchestrators that race for the run
     * (one database, several instances) exactly one gets it, and the claim of one that died expires by itself.
     */
    public boolean claimRecovery(long runId, String claimant, Instant now, Instant until) {
        return database.inNewTransaction(() -> database.update(TABLE, "UPDATE flow_runs SET recovery_claimed_by = ?,"
                + " recovery_claimed_until = ? WHERE id = ? AND outcome = ?"
                + " AND (recovery_claimed_until IS NULL OR recovery_claimed_until <= ?)", statement -> {
                    statement.setString(1, claimant);
                    statement.setTimestamp(2, Timestamp.from(until));
                    statement.setLong(3, runId);
                    statement.setString(4, STARTED);
                    statement.setTimestamp(5, Timestamp.from(now));
                })) == 1;
    }

    /** Gives up a claim whose recovery failed, so the next round of any orchestrator tries again at once. */
    public void releaseRecovery(long runId, String claimant) {
        database.inNewTransaction(() -> database.update(TABLE, "UPDATE flow_runs SET recovery_claimed_by = NULL,"
                + " recovery_claimed_until = NULL WHERE id = ? AND recovery_claimed_by = ?", statement -> {
                    statement.setLong(1, runId);
                    statement.setString(2, claimant);
                }));
    }

    /** Sets the outcome of a run that is still STARTED; false when it has one already (the flow finished after all). */
    public boolean finishStale(long runId, String outcome) {
        return database.inNewTransaction(() -> database.update(TABLE,
                "UPDATE flow_runs SET outcome = ?, finished_at = ? WHERE id = ? AND outcome = ?", statement -> {
                    statement.setString(1, outcome);
                    statement.setTimestamp(2, Timestamp.from(Instant.now()));
                    statement.setLong(3, runId);
                    statement.setString(4, STARTED);
                })) == 1;
    }

    /**
     * The flow's own outcome. A run written at its order is updated only while it is still STARTED: a flow that
     * outlived its recovery threshold must not overwrite the COMPENSATED that recovery wrote; false when the run had
     * an outcome already. A run that never got to its order is written here, once, with its outcome.
     */
    public boolean finish(Run run, Long orderId, Long paymentId, String outcome) {
        if (run.id == null) {
            run.id = insertRun(run, orderId, paymentId, outcome, Instant.now());
            return true;
        }
        long runId = run.id;
        return database.inNewTransaction(() -> database.update(TABLE, "UPDATE flow_runs SET order_id = ?, payment_id = ?,"
                + " outcome = ?, finished_at = ? WHERE id = ? AND outcome = ?", statement -> {
                    setNullableLong(statement, 1, orderId);
                    setNullableLong(statement, 2, paymentId);
                    statement.setString(3, outcome);
                    statement.setTimestamp(4, Timestamp.from(Instant.now()));
                    statement.setLong(5, runId);
                    statement.setString(6, STARTED);
                })) == 1;
    }

    private long insertRun(Run run, Long orderId, Long paymentId, String outcome, Instant finishedAt) {
        return database.inNewTransaction(() -> database.insert(TABLE, "INSERT INTO flow_runs (trace_id, user_id, amount,"
                        + " currency, order_id, payment_id, outcome, started_at, finished_at, idempotency_key)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                statement -> {
                    statement.setString(1, run.traceId);
                    statement.setLong(2, run.userId);
                    statement.setBigDecimal(3, run.amount);
                    statement.setString(4, run.currency);
                    setNullableLong(statement, 5, orderId);
                    setNullableLong(statement, 6, paymentId);
                    statement.setString(7, outcome);
                    statement.setTimestamp(8, Timestamp.from(run.startedAt));
                    statement.setTimestamp(9, finishedAt == null ? null : Timestamp.from(finishedAt));
                    statement.setString(10, run.idempotencyKey);
                }));
    }

    private static void setNullableLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }
}
