package io.flowlens.payments;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

import io.flowlens.contracts.payments.model.DeclineReason;
import io.flowlens.contracts.payments.model.Payment;
import io.flowlens.contracts.payments.model.PaymentStatus;
import io.flowlens.observability.TracedDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The {@code payments} table. */
@ApplicationScoped
public class PaymentStore {

    private static final String TABLE = "payments";

    private final TracedDatabase database;

    @Inject
    public PaymentStore(TracedDatabase database) {
        this.database = database;
    }

    public Payment insert(long orderId, BigDecimal amount, String currency, PaymentStatus status, DeclineReason reason) {
        OffsetDateTime createdAt = OffsetDateTime.now(ZoneOffset.UTC);
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
                    statement.setTimestamp(6, Timestamp.from(createdAt.toInstant()));
                });
        return new Payment().id(id).orderId(orderId).amount(amount).currency(currency).status(status)
                .declineReason(reason).createdAt(createdAt);
    }

    public Optional<Payment> find(long id) {
        return database.queryOne(TABLE, "SELECT id, order_id, amount, currency, status, decline_reason, created_at"
                + " FROM payments WHERE id = ?", statement -> statement.setLong(1, id), PaymentStore::toPayment);
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
