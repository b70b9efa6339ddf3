package io.flowlens.orchestrator;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;

import io.flowlens.observability.TracedDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The {@code flow_runs} table: a run is STARTED before the first call and gets its outcome when the saga ends. */
@ApplicationScoped
public class FlowRunStore {

    static final String STARTED = "STARTED";
    private static final String TABLE = "flow_runs";

    private final TracedDatabase database;

    @Inject
    public FlowRunStore(TracedDatabase database) {
        this.database = database;
    }

    public long start(String traceId, long userId, BigDecimal amount, String currency) {
        return database.insert(TABLE,
                "INSERT INTO flow_runs (trace_id, user_id, amount, currency, outcome, started_at) VALUES (?, ?, ?, ?, ?, ?)",
                statement -> {
                    statement.setString(1, traceId);
                    statement.setLong(2, userId);
                    statement.setBigDecimal(3, amount);
                    statement.setString(4, currency);
                    statement.setString(5, STARTED);
                    statement.setTimestamp(6, Timestamp.from(Instant.now()));
                });
    }

    public void finish(long runId, Long orderId, Long paymentId, String outcome) {
        database.update(TABLE,
                "UPDATE flow_runs SET order_id = ?, payment_id = ?, outcome = ?, finished_at = ? WHERE id = ?",
                statement -> {
                    setNullableLong(statement, 1, orderId);
                    setNullableLong(statement, 2, paymentId);
                    statement.setString(3, outcome);
                    statement.setTimestamp(4, Timestamp.from(Instant.now()));
                    statement.setLong(5, runId);
                });
    }

    private static void setNullableLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }
}
