package io.flowlens.orders;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.function.Supplier;

import io.flowlens.contracts.orders.model.Order;
import io.flowlens.contracts.orders.model.OrderStatus;
import io.flowlens.platform.db.StoredTime;
import io.flowlens.platform.db.TracedDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The {@code orders} table. Status changes are compare-and-set, so two concurrent transitions cannot both win. */
@ApplicationScoped
public class OrderStore {

    private static final String TABLE = "orders";
    private static final String COLUMNS =
            "id, user_id, amount, currency, description, status, payment_id, cancel_reason, created_at, updated_at";

    private final TracedDatabase database;

    @Inject
    public OrderStore(TracedDatabase database) {
        this.database = database;
    }

    /** Runs {@code work} as one transaction (or as part of the one the request already has). */
    public <T> T inTransaction(Supplier<T> work) {
        return database.inTransaction(work);
    }

    /**
     * Inserts a PENDING order and answers it as written: the amount and times are already as the columns keep them
     * (two decimals, microseconds), so the answer reads as the row does, without reading it back.
     */
    public Order insert(long userId, BigDecimal amount, String currency, String description) {
        OffsetDateTime now = StoredTime.now();
        Timestamp stamp = StoredTime.timestamp(now);
        long id = database.insert(TABLE, "INSERT INTO orders (user_id, amount, currency, description, status, created_at,"
                + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", statement -> {
                    statement.setLong(1, userId);
                    statement.setBigDecimal(2, amount);
                    statement.setString(3, currency);
                    statement.setString(4, description);
                    statement.setString(5, OrderStatus.PENDING.name());
                    statement.setTimestamp(6, stamp);
                    statement.setTimestamp(7, stamp);
                });
        return new Order().id(id).userId(userId).amount(amount).currency(currency).description(description)
                .status(OrderStatus.PENDING).createdAt(now).updatedAt(now);
    }

    public Optional<Order> find(long id) {
        return database.queryOne(TABLE, "SELECT " + COLUMNS + " FROM orders WHERE id = ?",
                statement -> statement.setLong(1, id), OrderStore::toOrder);
    }

    /**
     * The order as last committed, its row locked until the transaction ends, so a decision taken on it holds at the
     * update. A plain read inside the transaction may still show the status a concurrent transaction has just replaced
     * (H2 did, about once in a few thousand races), which made a compare-and-set loop give up.
     */
    public Optional<Order> findForUpdate(long id) {
        return database.queryOne(TABLE, "SELECT " + COLUMNS + " FROM orders WHERE id = ? FOR UPDATE",
                statement -> statement.setLong(1, id), OrderStore::toOrder);
    }

    /**
     * Moves the order from {@code from} to {@code to} at {@code at} (microseconds: {@link StoredTime#now()}), recording
     * the payment id or cancel reason when given. Answers false when the order was not in {@code from} any more
     * (someone else moved it first).
     */
    public boolean transition(long id, OrderStatus from, OrderStatus to, Long paymentId, String cancelReason,
                              OffsetDateTime at) {
        return database.update(TABLE, "UPDATE orders SET status = ?, payment_id = COALESCE(?, payment_id),"
                + " cancel_reason = COALESCE(?, cancel_reason), updated_at = ? WHERE id = ? AND status = ?", statement -> {
                    statement.setString(1, to.name());
                    if (paymentId == null) {
                        statement.setNull(2, Types.BIGINT);
                    } else {
                        statement.setLong(2, paymentId);
                    }
                    statement.setString(3, cancelReason);
                    statement.setTimestamp(4, StoredTime.timestamp(at));
                    statement.setLong(5, id);
                    statement.setString(6, from.name());
                }) == 1;
    }

    /** PENDING orders created before {@code cutoff} become CANCELLED with {@code reason}; answers how many. */
    public int expirePending(Instant cutoff, String reason) {
        return database.update(TABLE, "UPDATE orders SET status = ?, cancel_reason = ?, updated_at = ?"
                + " WHERE status = ? AND created_at < ?", statement -> {
                    statement.setString(1, OrderStatus.CANCELLED.name());
                    statement.setString(2, reason);
                    statement.setTimestamp(3, Timestamp.from(Instant.now()));
                    statement.setString(4, OrderStatus.PENDING.name());
                    statement.setTimestamp(5, Timestamp.from(cutoff));
                });
    }

    public long count() {
        return database.query(TABLE, "SELECT COUNT(*) FROM orders", row -> row.getLong(1)).get(0);
    }

    private static Order toOrder(ResultSet row) throws SQLException {
        long paymentId = row.getLong("payment_id");
        Long payment = row.wasNull() ? null : paymentId;
        return new Order()
                .id(row.getLong("id"))
                .userId(row.getLong("user_id"))
                .amount(row.getBigDecimal("amount"))
                .currency(row.getString("currency"))
                .description(row.getString("description"))
                .status(OrderStatus.valueOf(row.getString("status")))
                .paymentId(payment)
                .cancelReason(row.getString("cancel_reason"))
                .createdAt(row.getTimestamp("created_at").toInstant().atOffset(ZoneOffset.UTC))
                .updatedAt(row.getTimestamp("updated_at").toInstant().atOffset(ZoneOffset.UTC));
    }
}
