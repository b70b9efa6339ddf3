package io.flowlens.platform.db;

import io.flowlens.platform.tracing.FlowlensAttributes;

import io.flowlens.platform.faults.FaultInjector;
import io.flowlens.platform.problem.ProblemException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.flowlens.contracts.admin.model.FaultName;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;

/**
 * The service's database: a connection pool configured by MicroProfile Config ({@code flowlens.db.*}; embedded H2 by
 * default, PostgreSQL by URL), its schema migrated at start by Flyway (this library's {@code db/platform} scripts,
 * then the service's {@code db/migration}), transactions ({@link #inTransaction}, {@link #begin}) and one CLIENT span
 * per statement following the OpenTelemetry database conventions ({@code db.system}, {@code db.operation.name},
 * {@code db.collection.name}, {@code db.query.text}).
 */
@ApplicationScoped
public class TracedDatabase {

    /** Binds the parameters of a prepared statement. */
    @FunctionalInterface
    public interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    /** Reads the current row. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system");
    static final AttributeKey<String> DB_NAMESPACE = AttributeKey.stringKey("db.namespace");
    static final AttributeKey<String> DB_OPERATION = AttributeKey.stringKey("db.operation.name");
    static final AttributeKey<String> DB_COLLECTION = AttributeKey.stringKey("db.collection.name");
    static final AttributeKey<String> DB_QUERY = AttributeKey.stringKey("db.query.text");
    static final AttributeKey<Long> DB_ROWS = AttributeKey.longKey("db.response.returned_rows");
    static final String UNIQUE_VIOLATION = "23505";
    static final String FOREIGN_KEY_VIOLATION = "23503";
    /** H2 says 23506 for a child row whose parent is missing (23503 there is a parent that still has children). */
    static final String H2_FOREIGN_KEY_PARENT_MISSING = "23506";
    static final String CHECK_VIOLATION = "23514";
    static final String H2_CHECK_VIOLATION = "23513";
    /** H2's "Timeout trying to lock table": a row another transaction holds was not released in time. */
    static final String H2_LOCK_TIMEOUT = "HYT00";
    /** PostgreSQL's lock_not_available, what {@code lock_timeout} raises. */
    static final String POSTGRES_LOCK_NOT_AVAILABLE = "55P03";
    /** Problem type of a statement that waited out the lock timeout for a row another transaction holds. */
    public static final String ROW_LOCKED = "row-locked";

    private static final Logger LOGGER = Logger.getLogger(TracedDatabase.class.getName());
    private static final Binder NO_PARAMETERS = statement -> { };
    /** Migrations of the platform's own tables (idempotency keys), shipped in this library. */
    private static final String PLATFORM_MIGRATIONS = "classpath:db/platform";
    /**
     * The platform keeps its own history table, so its versions and the service's never collide and either side can
     * add a migration without knowing the other's numbers.
     */
    static final String PLATFORM_HISTORY = "flowlens_platform_history";

    private final Tracer tracer;
    private final FaultInjector faults;
    private final HikariDataSource dataSource;
    /** Connections held by the POOL_EXHAUSTION fault. */
    private final List<Connection> hogged = new ArrayList<>();
    private volatile boolean holding;
    private final String system;
    private final String namespace;
    /** The unit of work open on this thread, if any: its statements share its connection. */
    @SuppressWarnings("ThreadLocalUsage") // per database on purpose: a unit binds one database's connection
    private final ThreadLocal<UnitOfWork> bound = new ThreadLocal<>();

    @Inject
    public TracedDatabase(Tracer tracer, FaultInjector faults,
                          @ConfigProperty(name = "flowlens.db.url") String url,
                          @ConfigProperty(name = "flowlens.db.user", defaultValue = "sa") String user,
                          @ConfigProperty(name = "flowlens.db.password") Optional<String> password,
                          @ConfigProperty(name = "flowlens.db.pool-size", defaultValue = "10") int poolSize,
                          @ConfigProperty(name = "flowlens.db.connection-timeout-ms", defaultValue = "2000")
                          long connectionTimeoutMs,
                          @ConfigProperty(name = "flowlens.db.lock-timeout-ms", defaultValue = "2000")
                          long lockTimeoutMs,
                          @ConfigProperty(name = "flowlens.db.h2-cache-kb", defaultValue = "2048") int h2CacheKb,
                          @ConfigProperty(name = "flowlens.db.migrations", defaultValue = "classpath:db/migration")
                          String migrations) {
        if (h2CacheKb < 1) {
            throw new IllegalStateException("flowlens.db.h2-cache-kb must be positive, not " + h2CacheKb);
        }
        this.tracer = tracer;
        this.faults = faults;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password.orElse(""));
        config.setMaximumPoolSize(poolSize);
        // a request must fail fast with 503 rather than wait for a connection that will not come
        config.setConnectionTimeout(connectionTimeoutMs);
        config.setPoolName("flowlens-db");
        this.system = systemOf(url);
        // a statement that needs a row another transaction holds waits this long, then fails (ROW_LOCKED); H2 waits
        // 2 s by default, PostgreSQL for ever, which would let a stuck holder tie up every waiter's connection
        lockTimeoutSql(system, lockTimeoutMs).ifPresent(config::setConnectionInitSql);
        this.dataSource = new HikariDataSource(config);
        if ("h2".equals(system)) {
            sizeH2Cache(h2CacheKb);
        }
        this.namespace = namespaceOf(url);
        migrate(PLATFORM_MIGRATIONS, PLATFORM_HISTORY);
        migrate(migrations, "flyway_schema_history");
    }

    /** Forces the pool and schema to exist when the application starts, not at the first request. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        LOGGER.fine(() -> "database ready: " + system + " " + namespace);
    }

    @PreDestroy
    void close() {
        dataSource.close();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** The database system as the spans name it ({@code db.system}): {@code h2}, {@code postgresql}, ... */
    String system() {
        return system;
    }

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. Inside a unit that
     * is already open on this thread it joins that unit, and a failure undoes only its own writes (a savepoint).
     */
    public <T> T inTransaction(Supplier<T> work) {
        UnitOfWork open = bound.get();
        if (open != null) {
            return open.nested(work);
        }
        UnitOfWork unit = begin();
        T result;
        try {
            result = work.get();
        } catch (RuntimeException | Error e) {
            unit.rollback();
            throw e;
        }
        unit.commit();
        return result;
    }

    public void inTransaction(Runnable work) {
        inTransaction(() -> {
            work.run();
            return null;
        });
    }

    /**
     * Runs {@code work} in a transaction of its own that commits whatever the unit open on this thread does later,
     * e.g. a record that must survive the request that writes it.
     */
    public <T> T inNewTransaction(Supplier<T> work) {
        UnitOfWork suspended = bound.get();
        bound.remove();
        try {
            return inTransaction(work);
        } finally {
            if (suspended != null) {
                bound.set(suspended);
            }
        }
    }

    /**
     * Opens a unit of work on this thread (span {@code db.transaction}, current until it ends); the caller must
     * {@link UnitOfWork#commit()} or {@link UnitOfWork#rollback()} it on the same thread. For work that spans
     * callbacks, like a request filter and its response filter; everything else uses {@link #inTransaction}.
     */
    public UnitOfWork begin() {
        if (bound.get() != null) {
            throw new IllegalStateException("a unit of work is already open on this thread");
        }
        Span span = tracer.spanBuilder("db.transaction")
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(DB_SYSTEM, system)
                .setAttribute(DB_NAMESPACE, namespace)
                .startSpan();
        UnitOfWork unit = new UnitOfWork(this, span);
        bound.set(unit);
        return unit;
    }

    void unbind(UnitOfWork unit) {
        if (bound.get() == unit) {
            bound.remove();
        }
    }

    /** Rows of a SELECT on {@code table}. */
    public <T> List<T> query(String table, String sql, Binder binder, RowMapper<T> mapper) {
        return execute("SELECT", table, sql, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                binder.bind(statement);
                try (ResultSet rows = statement.executeQuery()) {
                    List<T> result = new ArrayList<>();
                    while (rows.next()) {
                        result.add(mapper.map(rows));
                    }
                    Span.current().setAttribute(DB_ROWS, (long) result.size());
                    return result;
                }
            }
        });
    }

    public <T> Optional<T> queryOne(String table, String sql, Binder binder, RowMapper<T> mapper) {
        return query(table, sql, binder, mapper).stream().findFirst();
    }

    public <T> List<T> query(String table, String sql, RowMapper<T> mapper) {
        return query(table, sql, NO_PARAMETERS, mapper);
    }

    /** Runs an INSERT and answers the generated key of the new row. */
    public long insert(String table, String sql, Binder binder) {
        return execute("INSERT", table, sql, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
                binder.bind(statement);
                statement.executeUpdate();
                try (ResultSet keys = statement.getGeneratedKeys()) {
                    if (!keys.next()) {
                        throw new SQLException("no generated key for insert into " + table);
                    }
                    return keys.getLong(1);
                }
            }
        });
    }

    /** Runs an UPDATE or DELETE and answers the number of rows changed. */
    public int update(String table, String sql, Binder binder) {
        String operation = sql.strip().split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
        return execute(operation, table, sql, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                binder.bind(statement);
                return statement.executeUpdate();
            }
        });
    }

    /** True when a connection can be had and answers within the timeout; used by the readiness check. */
    public boolean isReachable(int timeoutSeconds) {
        try (Connection connection = pooledConnection()) {
            return connection.isValid(timeoutSeconds);
        } catch (SQLException e) {
            return false;
        }
    }

    /** A pooled connection, after following the pool-exhaustion fault; a wait it causes marks the current span. */
    Connection pooledConnection() throws SQLException {
        boolean exhausted = followPoolExhaustion();
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            if (exhausted) {
                faults.mark(FaultName.POOL_EXHAUSTION);
            }
            throw e;
        }
    }

    /**
     * POOL_EXHAUSTION on: take every connection the pool will give and hold them, as a leak or a stampede would;
     * off: give them back. Checked on each use, so the fault takes effect with the next statement.
     */
    private boolean followPoolExhaustion() {
        boolean on = faults.isOn(FaultName.POOL_EXHAUSTION);
        if (on == holding) {
            return on; // the common path: nothing to change, no lock
        }
        synchronized (hogged) {
            if (on != holding) {
                holdOrRelease(on);
                holding = on;
            }
        }
        return on;
    }

    private void holdOrRelease(boolean on) {
        if (on) {
            while (hogged.size() < dataSource.getMaximumPoolSize()) {
                try {
                    hogged.add(dataSource.getConnection());
                } catch (SQLException e) {
                    break; // the rest are busy: they count as taken
                }
            }
        } else {
            for (Connection connection : hogged) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    // the pool replaces a connection that fails to close
                }
            }
            hogged.clear();
        }
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T execute(String operation, String table, String sql, SqlWork<T> work) {
        Span span = tracer.spanBuilder(operation + " " + table)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(DB_SYSTEM, system)
                .setAttribute(DB_NAMESPACE, namespace)
                .setAttribute(DB_OPERATION, operation)
                .setAttribute(DB_COLLECTION, table)
                .setAttribute(DB_QUERY, sql)
                .startSpan();
        UnitOfWork unit = bound.get();
        try (Scope ignored = span.makeCurrent()) {
            if (unit != null) {
                faults.delay(FaultName.SLOW_DB);
                return work.run(unit.connection()); // the unit closes its connection when it ends
            }
            try (Connection connection = pooledConnection()) {
                faults.delay(FaultName.SLOW_DB);
                return work.run(connection);
            }
        } catch (SQLException e) {
            span.setStatus(StatusCode.ERROR, e.getMessage());
            span.setAttribute(FlowlensAttributes.ERROR_TYPE, e.getClass().getName());
            span.recordException(e);
            throw translate(operation, table, e);
        } finally {
            span.end();
        }
    }

    /**
     * What a failed statement means to the caller. SQLState class 23 is an integrity constraint violation on H2 and
     * PostgreSQL alike, but only a unique violation is a conflict with existing data (409); a reference to a missing
     * row or a value a CHECK refuses came from the request (422); a NOT NULL or other violation is our own bug (500).
     * So is class 22, a value the column cannot hold (too long, out of range, U+0000 on PostgreSQL): the contract's
     * checks let it through, and a retry would send it again, so it must not be the 503 callers retry.
     * A row lock waited for in vain is 503 {@link #ROW_LOCKED}: the holder is still at work, so a retry may succeed.
     * Anything else means the database could not do the work (503).
     */
    ProblemException translate(String operation, String table, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return switch (state) {
            case UNIQUE_VIOLATION -> ProblemException.conflict("a " + table + " row with the same unique value exists");
            case H2_LOCK_TIMEOUT, POSTGRES_LOCK_NOT_AVAILABLE -> new ProblemException(503, ROW_LOCKED, "Row locked",
                    operation + " on " + table + " waited longer than the lock timeout for a row another transaction"
                            + " holds", e);
            case FOREIGN_KEY_VIOLATION, H2_FOREIGN_KEY_PARENT_MISSING, CHECK_VIOLATION, H2_CHECK_VIOLATION ->
                    ProblemException.unprocessable(operation + " on " + table + " breaks a rule of the data: "
                            + constraintOf(e));
            default -> state.startsWith("23")
                    ? new ProblemException(500, "integrity-violation", "Integrity violation",
                    operation + " on " + table + " broke an integrity constraint (" + state + ")", e)
                    : state.startsWith("22")
                    ? new ProblemException(500, "data-exception", "Value refused by the database",
                    operation + " on " + table + " had a value the column cannot hold (" + state + ")", e)
                    : new ProblemException(503, "database-unavailable", "Database unavailable",
                    operation + " on " + table + " failed", e);
        };
    }

    /** The first line of the driver's message names the constraint; the rest repeats the statement. */
    private static String constraintOf(SQLException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    /**
     * H2's page cache, a setting of the database, so set once at start rather than by every connection. H2 keeps 16 MB
     * by default whatever the heap; in the services' 96 MB heap the pages each commit copies churn through the young
     * generation's survivor spaces, which overflow and promote them into the old generation to die there, so young
     * collections copy more and full collections come sooner. 2 MB halved the writing services' young pauses
     * (PROFILES.md, "H2's page cache and the collector").
     */
    private void sizeH2Cache(int kilobytes) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SET CACHE_SIZE " + kilobytes);
        } catch (SQLException e) {
            throw new IllegalStateException("could not size H2's page cache", e);
        }
    }

    private void migrate(String locations, String historyTable) {
        // baseline at 0: a database whose tables came from the schema scripts before Flyway still gets every
        // migration, and the V1 scripts use IF NOT EXISTS so they leave such tables as they are
        Flyway.configure()
                .dataSource(dataSource)
                .locations(locations.split("\\s*,\\s*"))
                .table(historyTable)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }

    /** The session setting for the lock timeout, on the databases that have one. */
    static Optional<String> lockTimeoutSql(String system, long lockTimeoutMs) {
        if (lockTimeoutMs < 1) {
            // 0 would mean "never wait" on H2 and "wait for ever" on PostgreSQL
            throw new IllegalStateException("flowlens.db.lock-timeout-ms must be positive, not " + lockTimeoutMs);
        }
        return switch (system) {
            case "h2" -> Optional.of("SET LOCK_TIMEOUT " + lockTimeoutMs);
            case "postgresql" -> Optional.of("SET lock_timeout = " + lockTimeoutMs);
            default -> Optional.empty();
        };
    }

    private static String systemOf(String url) {
        String[] parts = url.split(":", 3);
        return parts.length > 1 ? parts[1].toLowerCase(Locale.ROOT) : "other_sql";
    }

    private static String namespaceOf(String url) {
        String rest = url.replaceFirst("^jdbc:[a-z0-9]+:(mem:|file:|tcp://[^/]+/)?", "");
        rest = rest.replaceFirst("^//[^/]+/", "");
        int end = rest.length();
        for (char stop : new char[] {';', '?'}) {
            int at = rest.indexOf(stop);
            if (at >= 0) {
                end = Math.min(end, at);
            }
        }
        String name = rest.substring(0, end);
        return name.substring(name.lastIndexOf('/') + 1);
    }
}
