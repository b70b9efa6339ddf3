package io.flowlens.platform.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.flowlens.platform.faults.FaultInjector;
import io.flowlens.platform.problem.ProblemException;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.both;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Transactions, span shapes, constraint errors and migrations of {@link TracedDatabase} on a fresh H2 database. */
class TracedDatabaseTest {

    /** Well below H2's own 2 s, so a test sees that the configured value is the one in force. */
    private static final long LOCK_TIMEOUT_MS = 300;
    /** Not the platform's 2048 KB nor H2's 16 MB, so a test sees that the configured value is the one in force. */
    private static final int H2_CACHE_KB = 1024;

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final SdkTracerProvider tracing = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
    private TracedDatabase database;

    @BeforeEach
    void open() {
        database = new TracedDatabase(tracing.get("test"), new FaultInjector(ConfigProvider.getConfig()),
                "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", Optional.empty(), 4, 2000,
                LOCK_TIMEOUT_MS, H2_CACHE_KB, "classpath:db/test-migration");
    }

    @AfterEach
    void close() {
        database.close();
        tracing.close();
    }

    private long owner(String name) {
        return database.insert("owners", "INSERT INTO owners (name) VALUES (?)", s -> s.setString(1, name));
    }

    private List<String> owners() {
        return database.query("owners", "SELECT name FROM owners ORDER BY id", row -> row.getString(1));
    }

    @Test
    void aTransactionCommitsAllItsStatementsUnderOneSpan() {
        database.inTransaction(() -> {
            owner("ada");
            owner("grace");
        });
        assertThat(owners(), contains("ada", "grace"));

        SpanData transaction = only("db.transaction");
        assertThat(transaction.getKind(), is(SpanKind.INTERNAL));
        assertThat(transaction.getAttributes().get(UnitOfWork.OUTCOME), is("commit"));
        assertThat(transaction.getAttributes().get(UnitOfWork.STATEMENTS), is(2L));
        List<SpanData> inserts = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("INSERT owners"))
                .toList();
        assertThat(inserts.stream().map(SpanData::getParentSpanId).toList(),
                everyItem(is(transaction.getSpanId())));
        assertThat(inserts.stream().map(s -> s.getAttributes().get(TracedDatabase.DB_SYSTEM)).toList(), everyItem(is("h2")));
    }

    @Test
    void aFailureRollsBackEverythingTheTransactionWrote() {
        Runnable failing = () -> {
            owner("ada");
            throw new IllegalStateException("the work failed after its first write");
        };
        assertThrows(IllegalStateException.class, () -> database.inTransaction(failing));
        assertThat(owners(), is(List.of()));
        assertThat(only("db.transaction").getAttributes().get(UnitOfWork.OUTCOME), is("rollback"));
    }

    @Test
    void aFailedNestedWorkUndoesOnlyItsOwnWrites() {
        database.inTransaction(() -> {
            owner("ada");
            assertThrows(ProblemException.class, () -> database.inTransaction(() -> {
                owner("grace");
                owner("ada"); // unique violation
            }));
            owner("linus");
        });
        assertThat(owners(), contains("ada", "linus"));
    }

    @Test
    void aNewTransactionCommitsWhateverTheOpenOneDoes() {
        Runnable failing = () -> {
            owner("ada");
            database.inNewTransaction(() -> owner("grace"));
            throw new IllegalStateException("rolls back ada only");
        };
        assertThrows(IllegalStateException.class, () -> database.inTransaction(failing));
        assertThat(owners(), contains("grace"));
    }

    @Test
    void aUnitBegunInOneCallbackAndEndedInAnotherSharesItsConnection() {
        UnitOfWork unit = database.begin();
        owner("ada");
        unit.rollback();
        UnitOfWork second = database.begin();
        owner("grace");
        second.commit();
        assertThat(owners(), contains("grace"));
    }

    @Test
    void aRowHeldByAnotherTransactionIsWaitedForUntilTheLockTimeoutThenRowLocked() throws Exception {
        long ada = owner("ada");
        UnitOfWork holder = database.begin();
        database.update("owners", "UPDATE owners SET name = ? WHERE id = ?", s -> {
            s.setString(1, "ada lovelace");
            s.setLong(2, ada);
        });
        try {
            long started = System.nanoTime();
            ProblemException locked = CompletableFuture.supplyAsync(() -> assertThrows(ProblemException.class,
                    () -> database.update("owners", "UPDATE owners SET name = ? WHERE id = ?", s -> {
                        s.setString(1, "grace");
                        s.setLong(2, ada);
                    }))).get(10, TimeUnit.SECONDS);
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(locked.status(), is(503));
            assertThat(locked.type(), is(TracedDatabase.ROW_LOCKED));
            assertThat("waited the configured lock timeout, not H2's 2 s", waitedMs,
                    is(both(greaterThanOrEqualTo(LOCK_TIMEOUT_MS)).and(lessThan(1800L))));
        } finally {
            holder.commit();
        }
        assertThat(owners(), contains("ada lovelace"));
    }

    @Test
    void theLockTimeoutIsSetOnTheDatabasesThatHaveOne() {
        assertThat(TracedDatabase.lockTimeoutSql("h2", 2000), is(Optional.of("SET LOCK_TIMEOUT 2000")));
        assertThat(TracedDatabase.lockTimeoutSql("postgresql", 2000), is(Optional.of("SET lock_timeout = 2000")));
        assertThat(TracedDatabase.lockTimeoutSql("other_sql", 2000), is(Optional.empty()));
        assertThrows(IllegalStateException.class, () -> TracedDatabase.lockTimeoutSql("h2", 0));
    }

    @Test
    void h2sPageCacheHasTheConfiguredSize() {
        assertThat(database.query("settings", "SELECT setting_value FROM information_schema.settings"
                + " WHERE setting_name = 'CACHE_SIZE'", row -> row.getString(1)), contains(String.valueOf(H2_CACHE_KB)));
        assertThrows(IllegalStateException.class, () -> new TracedDatabase(tracing.get("test"),
                new FaultInjector(ConfigProvider.getConfig()), "jdbc:h2:mem:" + UUID.randomUUID(), "sa",
                Optional.empty(), 2, 2000, LOCK_TIMEOUT_MS, 0, "classpath:db/test-migration"));
    }

    @Test
    void onlyAUniqueViolationIsAConflict() {
        long ada = owner("ada");
        assertThat(status(() -> owner("ada")), is(409));
        // a reference to a missing row and a value the CHECK refuses come from the request
        assertThat(status(() -> database.insert("things", "INSERT INTO things (owner_id, weight) VALUES (?, ?)", s -> {
            s.setLong(1, ada + 1000);
            s.setInt(2, 1);
        })), is(422));
        assertThat(status(() -> database.insert("things", "INSERT INTO things (owner_id, weight) VALUES (?, ?)", s -> {
            s.setLong(1, ada);
            s.setInt(2, -1);
        })), is(422));
        // a missing required value is our own bug
        assertThat(status(() -> database.insert("owners", "INSERT INTO owners (name) VALUES (?)",
                s -> s.setNull(1, Types.VARCHAR))), is(500));
        // so is a value the column cannot hold, which was a 503 'database unavailable' that callers retry
        assertThat(status(() -> owner("x".repeat(51))), is(500));
        assertThat(status(() -> database.insert("things", "INSERT INTO things (owner_id, weight) VALUES (?, ?)", s -> {
            s.setLong(1, ada);
            s.setLong(2, Long.MAX_VALUE);
        })), is(500));
    }

    @Test
    void migrationsKeepThePlatformsHistoryApartFromTheServices() {
        List<String> tables = database.query("tables", "SELECT LOWER(table_name) FROM information_schema.tables",
                row -> row.getString(1));
        assertThat(tables, hasItems("flowlens_platform_history", "flyway_schema_history", "idempotency_keys", "things"));
        List<String> leaseColumns = database.query("columns", "SELECT LOWER(column_name) FROM information_schema.columns"
                + " WHERE LOWER(table_name) = 'idempotency_keys' AND LOWER(column_name) LIKE 'lease%' ORDER BY 1",
                row -> row.getString(1));
        assertThat(leaseColumns, contains("lease_token", "lease_until"));
    }

    @Test
    void aDatabaseMadeBeforeMigrationsKeepsItsRowsAndGetsTheNewColumns() throws Exception {
        String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
             Statement statement = connection.createStatement()) {
            // what the start-up script of old made: no history table, no lease columns
            statement.execute("CREATE TABLE idempotency_keys (idempotency_key VARCHAR(200) PRIMARY KEY,"
                    + " request_hash VARCHAR(64) NOT NULL, status INTEGER, content_type VARCHAR(100), location VARCHAR(500),"
                    + " body VARCHAR(100000), created_at TIMESTAMP WITH TIME ZONE NOT NULL)");
            statement.execute("INSERT INTO idempotency_keys (idempotency_key, request_hash, status, created_at)"
                    + " VALUES ('old-key', 'h', 201, CURRENT_TIMESTAMP)");
        }
        TracedDatabase upgraded = new TracedDatabase(tracing.get("test"), new FaultInjector(ConfigProvider.getConfig()),
                url, "sa", Optional.empty(), 2, 2000, LOCK_TIMEOUT_MS, H2_CACHE_KB, "classpath:db/test-migration");
        try {
            assertThat(upgraded.query("idempotency_keys", "SELECT idempotency_key FROM idempotency_keys"
                    + " WHERE lease_token IS NULL", row -> row.getString(1)), contains("old-key"));
        } finally {
            upgraded.close();
        }
    }

    private static int status(Runnable statement) {
        return assertThrows(ProblemException.class, statement::run).status();
    }

    private SpanData only(String name) {
        List<SpanData> named = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(name + " spans", named.size(), is(1));
        return named.get(0);
    }
}
