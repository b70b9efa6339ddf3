package io.flowlens.platform.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.function.Supplier;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;

/**
 * One database transaction on one connection, bound to the thread that began it: every statement that
 * {@link TracedDatabase} runs on that thread until {@link #commit()} or {@link #rollback()} joins it. The connection is
 * taken at the first statement, not at the start, so a unit that waits on another service holds no connection yet.
 * Its {@code db.transaction} span is current while it is open, so the statement spans are its children.
 */
public final class UnitOfWork {

    /** How the transaction ended: {@code commit} or {@code rollback}. */
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("flowlens.db.transaction.outcome");
    static final AttributeKey<Long> STATEMENTS = AttributeKey.longKey("flowlens.db.transaction.statements");

    private final TracedDatabase database;
    private final Span span;
    private final Scope scope;
    private Connection connection;
    private long statements;
    private boolean finished;

    @SuppressWarnings("MustBeClosedChecker") // the unit's span stays current until commit or rollback closes it
    UnitOfWork(TracedDatabase database, Span span) {
        this.database = database;
        this.span = span;
        this.scope = span.makeCurrent();
    }

    /** Commits and closes; a commit the database refuses rolls back and is thrown as the statement errors are. */
    public void commit() {
        if (finished) {
            return;
        }
        try {
            if (connection != null) {
                connection.commit();
            }
            end("commit", null);
        } catch (SQLException e) {
            rollbackQuietly();
            end("rollback", e);
            throw database.translate("COMMIT", "transaction", e);
        }
    }

    /** Rolls back and closes; nothing this unit wrote stays. Calling it after the unit ended does nothing. */
    public void rollback() {
        if (finished) {
            return;
        }
        rollbackQuietly();
        end("rollback", null);
    }

    /** The unit's connection, taken from the pool at the first statement. */
    Connection connection() throws SQLException {
        if (connection == null) {
            Connection taken = database.pooledConnection();
            taken.setAutoCommit(false);
            connection = taken;
        }
        statements++;
        return connection;
    }

    /**
     * Work that joins this unit: when it fails, what it wrote is undone (back to a savepoint) and the rest of the unit
     * may still commit, e.g. a request that stores its 4xx answer.
     */
    <T> T nested(Supplier<T> work) {
        Savepoint savepoint = null;
        boolean hadConnection = connection != null;
        try {
            if (hadConnection) {
                savepoint = connection.setSavepoint();
            }
        } catch (SQLException e) {
            throw database.translate("SAVEPOINT", "transaction", e);
        }
        try {
            return work.get();
        } catch (RuntimeException | Error e) {
            undo(savepoint, hadConnection);
            throw e;
        }
    }

    private void undo(Savepoint savepoint, boolean hadConnection) {
        try {
            if (savepoint != null) {
                connection.rollback(savepoint);
            } else if (!hadConnection && connection != null) {
                connection.rollback(); // everything on this connection came from the failed work
            }
        } catch (SQLException e) {
            span.recordException(e);
        }
    }

    private void rollbackQuietly() {
        if (connection == null) {
            return;
        }
        try {
            connection.rollback();
        } catch (SQLException e) {
            span.recordException(e); // the pool discards a connection whose rollback failed
        }
    }

    private void end(String outcome, SQLException failure) {
        finished = true;
        database.unbind(this);
        if (connection != null) {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException e) {
                span.recordException(e);
            }
            try {
                connection.close();
            } catch (SQLException e) {
                span.recordException(e);
            }
        }
        span.setAttribute(OUTCOME, outcome);
        span.setAttribute(STATEMENTS, statements);
        if (failure != null) {
            span.setStatus(StatusCode.ERROR, failure.getMessage());
            span.recordException(failure);
        }
        scope.close();
        span.end();
    }
}
