package io.flowlens.platform.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.microprofile.scheduling.FixedRate;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;

/**
 * Holds back the growth of an embedded H2 file, and of H2's record of its chunks on the heap, with every commit.
 * <p>
 * The services run H2 with {@code WRITE_DELAY=0}, so that an answered write survives a {@code kill -9}. That setting
 * turns off H2's background writer, and with it the housekeeping that rewrites the few live pages left in old chunks
 * (h2database/h2database#442). Such a chunk is never freed: the file grew by ~5 KB per commit, and the heap by ~350
 * bytes for about one commit in eleven, for as long as the service took writes (PROFILES.md, "H2 files under
 * WRITE_DELAY=0").
 * <p>
 * Every 5 seconds ({@code io.flowlens.platform.db.H2Housekeeping.run.schedule.*} overrides it) this asks the store to
 * rewrite the live pages of partly used chunks ({@link MVStore#compact(int, int)}, H2's own store API; the freed
 * chunks are dropped at a later commit, after H2's retention time), up to {@code flowlens.db.h2-housekeeping-bytes}
 * (1 KB) for each commit since the last round and at most 4 MB a round: the creep follows the commits, and a fixed
 * budget (1 MB every 5 s) rewrote as much at 15 flows/s as at 200, 0.3–0.6 ms of CPU a flow at the low rate. It does
 * nothing for PostgreSQL or an in-memory H2, and writes no spans: it is the database's own upkeep, not the service's
 * work.
 */
@ApplicationScoped
public class H2Housekeeping {

    /** Compact any chunk that is not full: its live pages move to a new chunk and the old one can be freed. */
    private static final int TARGET_FILL_RATE = 100;
    /** At most this much a round, so a burst's backlog never holds the store's lock for long. */
    private static final long MAX_BYTES_PER_ROUND = 4L * 1024 * 1024;
    private static final Logger LOGGER = Logger.getLogger(H2Housekeeping.class.getName());

    private final TracedDatabase database;
    private final int bytesPerCommit;
    /** The store's version at the last round; each commit adds one. */
    private long lastVersion = -1;

    @Inject
    public H2Housekeeping(TracedDatabase database,
                         @ConfigProperty(name = "flowlens.db.h2-housekeeping-bytes", defaultValue = "1024")
                         int bytesPerCommit) {
        if (bytesPerCommit < 1) {
            throw new IllegalStateException("flowlens.db.h2-housekeeping-bytes must be positive, not " + bytesPerCommit);
        }
        this.database = database;
        this.bytesPerCommit = bytesPerCommit;
    }

    @FixedRate(initialDelay = 10, value = 5, timeUnit = TimeUnit.SECONDS)
    void run() {
        try {
            compact();
        } catch (SQLException | RuntimeException e) {
            // a database outage must not end the schedule: the next round tries again
            LOGGER.log(Level.WARNING, "H2 housekeeping failed; the next round tries again", e);
        }
    }

    /** One round (the schedule runs one at a time): true if the store rewrote any chunk. */
    public synchronized boolean compact() throws SQLException {
        if (!"h2".equals(database.system())) {
            return false; // no connection taken, so a PostgreSQL outage logs nothing here every 5 s
        }
        try (Connection connection = database.dataSource().getConnection()) {
            return fileStore(connection).map(this::compact).orElse(false);
        }
    }

    private boolean compact(MVStore store) {
        long version = store.getCurrentVersion();
        long commits = lastVersion < 0 ? 0 : version - lastVersion;
        lastVersion = version;
        long budget = Math.min(MAX_BYTES_PER_ROUND, commits * bytesPerCommit);
        return budget > 0 && store.compact(TARGET_FILL_RATE, (int) budget);
    }

    /** The store behind an embedded H2 file database (the connection is H2's); empty for a server or in memory. */
    private static Optional<MVStore> fileStore(Connection connection) throws SQLException {
        if (!(connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)
                || !session.getDatabase().isPersistent()) {
            return Optional.empty();
        }
        return Optional.of(session.getDatabase().getStore().getMvStore());
    }
}
