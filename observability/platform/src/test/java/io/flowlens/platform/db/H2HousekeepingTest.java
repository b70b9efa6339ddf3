package io.flowlens.platform.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;

import io.flowlens.platform.faults.FaultInjector;
import io.opentelemetry.api.trace.TracerProvider;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * An H2 file written a commit at a time, as the services write it ({@code WRITE_DELAY=0}), grows with every commit
 * unless the housekeeping rewrites its partly used chunks. {@code RETENTION_TIME=0} frees a dead chunk at once here,
 * where the services keep it 45 s, so the growth that is left shows in seconds.
 */
class H2HousekeepingTest {

    private static final int FLOWS = 3000;

    @TempDir
    Path dir;

    @Test
    void housekeepingKeepsAFileWrittenACommitAtATimeFromGrowingWithEveryCommit() throws SQLException, IOException {
        long without = fileAfterFlows("without", false);
        long with = fileAfterFlows("with", true);
        // 1 KB per commit does not hold everything back here, where every dead chunk is freed at once: ~40 % less
        assertThat("file bytes with housekeeping (" + with + ") against without (" + without + ")", with * 4,
                is(lessThan(without * 3)));
    }

    /** The budget follows the commits since the last round: none since, nothing rewritten. */
    @Test
    void aRoundWithoutCommitsSinceTheLastRewritesNothing() throws SQLException {
        TracedDatabase database = database("jdbc:h2:file:" + dir.resolve("idle") + ";WRITE_DELAY=0;RETENTION_TIME=0");
        H2Housekeeping keeper = new H2Housekeeping(database, 1024);
        try (Connection connection = database.dataSource().getConnection()) {
            PreparedStatement write = createTablesAndPrepareAWrite(connection);
            assertThat("the first round only notes where the store is", keeper.compact(), is(false));
            for (int flow = 1; flow <= 300; flow++) {
                write.setLong(1, flow);
                write.executeUpdate();
            }
            assertThat("300 commits since: partly used chunks rewritten", keeper.compact(), is(true));
            assertThat("no commit since", keeper.compact(), is(false));
        } finally {
            database.close();
        }
    }

    @Test
    void anInMemoryDatabaseHasNothingToKeep() throws SQLException {
        TracedDatabase memory = database("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try {
            assertThat(new H2Housekeeping(memory, 1024).compact(), is(false));
        } finally {
            memory.close();
        }
    }

    @Test
    void theWriteBudgetMustBePositive() {
        TracedDatabase memory = database("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try {
            assertThrows(IllegalStateException.class, () -> new H2Housekeeping(memory, 0));
        } finally {
            memory.close();
        }
    }

    /** The open file's size after {@link #FLOWS} of an order's three commits (insert, stored answer, update). */
    private long fileAfterFlows(String name, boolean housekeeping) throws SQLException, IOException {
        TracedDatabase database = database("jdbc:h2:file:" + dir.resolve(name) + ";WRITE_DELAY=0;RETENTION_TIME=0");
        H2Housekeeping keeper = new H2Housekeeping(database, 1024);
        try (Connection connection = database.dataSource().getConnection()) {
            PreparedStatement order = createTablesAndPrepareAWrite(connection);
            PreparedStatement answer = connection.prepareStatement("INSERT INTO answers VALUES (?, ?)");
            PreparedStatement confirm = connection.prepareStatement("UPDATE orders SET status = 'CONFIRMED' WHERE id = ?");
            for (int flow = 1; flow <= FLOWS; flow++) {
                order.setLong(1, flow);
                order.executeUpdate();
                answer.setString(1, UUID.randomUUID().toString());
                answer.setString(2, "{\"id\":" + flow + ",\"pad\":\"" + "x".repeat(200) + "\"}");
                answer.executeUpdate();
                confirm.setLong(1, flow);
                confirm.executeUpdate();
                if (housekeeping && flow % 100 == 0) {
                    keeper.compact();
                }
            }
            // measured open, as a running service's file is: closing compacts for up to H2's MAX_COMPACT_TIME (200 ms),
            // so the closed size depended on the load around the test (1.1–7.0 MB with housekeeping, 2.8–3.4 MB open)
            return Files.size(dir.resolve(name + ".mv.db"));
        } finally {
            database.close();
        }
    }

    /** The tables of an order and its stored answer; the statement that inserts an order. */
    private static PreparedStatement createTablesAndPrepareAWrite(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE orders(id BIGINT PRIMARY KEY, status VARCHAR(20))");
            statement.execute("CREATE TABLE answers(k VARCHAR(64) PRIMARY KEY, answer VARCHAR(400))");
        }
        return connection.prepareStatement("INSERT INTO orders VALUES (?, 'PENDING')");
    }

    private static TracedDatabase database(String url) {
        return new TracedDatabase(TracerProvider.noop().get("test"), new FaultInjector(ConfigProvider.getConfig()),
                url, "sa", Optional.empty(), 2, 2000, 2000, 1024, "classpath:db/test-migration");
    }
}
