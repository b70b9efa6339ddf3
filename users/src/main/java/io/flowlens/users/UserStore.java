package io.flowlens.users;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import io.flowlens.contracts.users.model.User;
import io.flowlens.platform.db.StoredTime;
import io.flowlens.platform.db.TracedDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The {@code users} table. */
@ApplicationScoped
public class UserStore {

    private static final String TABLE = "users";
    private static final String COLUMNS = "id, name, email, created_at";

    private final TracedDatabase database;

    @Inject
    public UserStore(TracedDatabase database) {
        this.database = database;
    }

    /** Inserts a user; a taken e-mail address is answered 409 by the database's unique constraint. */
    public User insert(String name, String email) {
        // cut to what the column keeps, so the answer reads as the row does later (GET /users/{id})
        OffsetDateTime createdAt = StoredTime.now();
        long id = database.insert(TABLE, "INSERT INTO users (name, email, created_at) VALUES (?, ?, ?)", statement -> {
            statement.setString(1, name);
            statement.setString(2, email);
            statement.setTimestamp(3, StoredTime.timestamp(createdAt));
        });
        return new User().id(id).name(name).email(email).createdAt(createdAt);
    }

    public Optional<User> find(long id) {
        return database.queryOne(TABLE, "SELECT " + COLUMNS + " FROM users WHERE id = ?",
                statement -> statement.setLong(1, id), UserStore::toUser);
    }

    public List<User> page(int limit, int offset) {
        return database.query(TABLE, "SELECT " + COLUMNS + " FROM users ORDER BY id LIMIT ? OFFSET ?", statement -> {
            statement.setInt(1, limit);
            statement.setInt(2, offset);
        }, UserStore::toUser);
    }

    public long count() {
        return database.query(TABLE, "SELECT COUNT(*) FROM users", row -> row.getLong(1)).get(0);
    }

    private static User toUser(ResultSet row) throws SQLException {
        return new User()
                .id(row.getLong("id"))
                .name(row.getString("name"))
                .email(row.getString("email"))
                .createdAt(row.getTimestamp("created_at").toInstant().atOffset(ZoneOffset.UTC));
    }
}
