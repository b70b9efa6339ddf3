package io.flowlens.payments;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import io.flowlens.contracts.payments.model.DeclineReason;
import io.flowlens.contracts.payments.model.Payment;
import io.flowlens.contracts.payments.model.PaymentStatus;
import io.flowlens.platform.db.StoredTime;
import io.flowlens.platform.db.TracedDatabase;
import io.flowlens.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The {@code payments} table. */
@ApplicationScoped
public class PaymentStore {

    private static final String TABLE = "payments";
    private static final String VOIDED_ORDERS = "voided_orders";
    private static final String LOCKS = "payment_order_locks";

    private final TracedDatabase database;

    @Inject
    public PaymentStore(TracedDatabase database) {
        this.database = database;
    }

    /** Runs {@code work} as one transaction (or as part of the one the request already has). */
    public <T> T inTransaction(Supplier<T> work) {
        return database.inTransaction(work);
    }

    /**
     * Locks the order's row in {@code payment_order_locks} (made on first use) until the transaction ends, so an
     * authorization and a void of the same order run one after the other: the second sees what the first committed.
     * A row this transaction has just made is locked already (no one else sees it before the commit), so only a row
     * that existed is locked with a second statement: once per order, not twice.
     */
    public void lockOrder(long orderId) {
        try {
            // its own savepoint: a row made meanwhile by a concurrent first use is a 409 that must not end the transaction
            if (database.inTransaction(() -> database.update(LOCKS, "INSERT INTO payment_order_locks (order_id)"
                    + " SELECT ? WHERE NOT EXISTS (SELECT 1 FROM payment_order_locks WHERE order_id = ?)", statement -> {
                        statement.setLong(1, orderId);
                        statement.setLong(2, orderId);
                    })) == 1) {
                return;
            }
        } catch (ProblemException made) {
            if (made.status() != 409) {
                throw made;
            }
        }
        database.query(LOCKS, "SELECT order_id FROM payment_order_locks WHERE order_id = ? FOR UPDATE",
                statement -> statement.setLong(1, orderId), row -> row.getLong(1));
    }

    public Payment insert(long orderId, BigDecimal amount, String currency, PaymentStatus status, DeclineReason reason) {
        // cut to what the column keeps, so the answer reads as the row does later (GET /payments/{id})
        OffsetDateTime createdAt = StoredTime.now();
        long id = database.insert(TABLE, "INSERT INTO payments (order_id, amount, currency, status, decline_reason, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)", statement -> {
                    statement.setLong(1, orderId);
                    statement.setBigDecimal(2, amount);
                    statement.setString(3, currency);
                    statement.setString(4, status.name());
                    if (reason == null) {
                        statement.setNull(5, Types.VARCHAR);
                    } else {
                        statement.setString(5, reason.name());
                    }
                    statement.setTimestamp(6, StoredTime.timestamp(createdAt));
                });
        return new Payment().id(id).orderId(orderId).amount(amount).currency(currency).status(status)
                .declineReason(reason).createdAt(createdAt);
    }

    public Optional<Payment> find(long id) {
        return database.queryOne(TABLE, "SELECT id, order_id, amount, currency, status, decline_reason, created_at"
                + " FROM payments WHERE id = ?", statement -> statement.setLong(1, id), PaymentStore::toPayment);
    }

    /**
     * Marks the order as voided (first reason wins) and every AUTHORIZED payment of it VOIDED; answers the ids of
     * the order's VOIDED payments. Callers hold {@link #lockOrder}, so a payment racing the void is either
     * committed before it (and voided here) or sees the marker.
     */
    public List<Long> voidOrder(long orderId, String reason) {
        database.update(VOIDED_ORDERS, "INSERT INTO voided_orders (order_id, reason, voided_at)"
                + " SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM voided_orders WHERE order_id = ?)", statement -> {
                    statement.setLong(1, orderId);
                    statement.setString(2, reason);
                    statement.setTimestamp(3, Timestamp.from(OffsetDateTime.now(ZoneOffset.UTC).toInstant()));
                    statement.setLong(4, orderId);
                });
        markVoided(orderId);
        return database.query(TABLE, "SELECT id FROM payments WHERE order_id = ? AND status = ? ORDER BY id", statement -> {
            statement.setLong(1, orderId);
            statement.setString(2, PaymentStatus.VOIDED.name());
        }, row -> row.getLong(1));
    }

    public boolean isVoided(long orderId) {
        return database.queryOne(VOIDED_ORDERS, "SELECT 1 FROM voided_orders WHERE order_id = ?",
                statement -> statement.setLong(1, orderId), row -> true).isPresent();
    }

    /** AUTHORIZED payments of the order become VOIDED; answers how many changed. */
    public int markVoided(long orderId) {
        return database.update(TABLE, "UPDATE payments SET status = ? WHERE order_id = ? AND status = ?", statement -> {
            statement.setString(1, PaymentStatus.VOIDED.name());
            statement.setLong(2, orderId);
            statement.setString(3, PaymentStatus.AUTHORIZED.name());
        });
    }

    public long count() {
        return database.query(TABLE, "SELECT COUNT(*) FROM payments", row -> row.getLong(1)).get(0);
    }

    private static Payment toPayment(ResultSet row) throws SQLException {
        String reason = row.getString("decline_reason");
        return new Payment()
                .id(row.getLong("id"))
                .orderId(row.getLong("order_id"))
                .amount(row.getBigDecimal("amount"))
                .currency(row.getString("currency"))
                .status(PaymentStatus.valueOf(row.getString("status")))
                .declineReason(reason == null ? null : DeclineReason.valueOf(reason))
                .createdAt(row.getTimestamp("created_at").toInstant().atOffset(ZoneOffset.UTC));
    }
}
