package io.flowlens.platform.db;

import io.flowlens.platform.tracing.FlowlensAttributes;

import io.flowlens.platform.faults.FaultInjector;
import io.flowlens.platform.problem.ProblemException;
import io.flowlens.platform.problem.Problems;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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

/**
 * The service's database: a connection pool configured by MicroProfile Config ({@code flowlens.db.*}; embedded H2 by
 * default, PostgreSQL by URL), the schemas {@code db/schema.sql} (the service's) and {@code db/platform.sql} (this
 * library's) applied at start, and one CLIENT span per statement
 * following the OpenTelemetry database conventions ({@code db.system}, {@code db.operation.name},
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

    private static final Logger LOGGER = Logger.getLogger(TracedDatabase.class.getName());
    private static final Binder NO_PARAMETERS = statement -> { };
    /** Tables of the platform itself (idempotency keys), shipped in this library. */
    private static final String PLATFORM_SCHEMA = "db/platform.sql";

    private final Tracer tracer;
    private final FaultInjector faults;
    private final HikariDataSource dataSource;
    /** Connections held by the POOL_EXHAUSTION fault. */
    private final List<Connection> hogged = new ArrayList<>();
    private volatile boolean holding;
    private final String system;
    private final String namespace;

    @Inject
    public TracedDatabase(Tracer tracer, FaultInjector faults,
                          @ConfigProperty(name = "flowlens.db.url") String url,
                          @ConfigProperty(name = "flowlens.db.user", defaultValue = "sa") String user,
                          @ConfigProperty(name = "flowlens.db.password") Optional<String> password,
                          @ConfigProperty(name = "flowlens.db.pool-size", defaultValue = "10") int poolSize,
                          @ConfigProperty(name = "flowlens.db.connection-timeout-ms", defaultValue = "2000")
                          long connectionTimeoutMs,
                          @ConfigProperty(name = "flowlens.db.schema", defaultValue = "db/schema.sql") String schema) {
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
        this.dataSource = new HikariDataSource(config);
        this.system = systemOf(url);
        this.namespace = namespaceOf(url);
        applySchema(schema);
        applySchema(PLATFORM_SCHEMA);
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
        try (Connection connection = connection()) {
            return connection.isValid(timeoutSeconds);
        } catch (SQLException e) {
            return false;
        }
    }

    /** A pooled connection, after following the pool-exhaustion fault; a wait it causes marks the current span. */
    private Connection connection() throws SQLException {
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
        try (Scope ignored = span.makeCurrent(); Connection connection = connection()) {
            faults.delay(FaultName.SLOW_DB);
            return work.run(connection);
        } catch (SQLException e) {
            span.setStatus(StatusCode.ERROR, e.getMessage());
            span.setAttribute(FlowlensAttributes.ERROR_TYPE, e.getClass().getName());
            span.recordException(e);
            throw uniqueViolation(e)
                    ? ProblemException.conflict("a " + table + " row with the same unique value exists")
                    : new ProblemException(503, "database-unavailable", "Database unavailable",
                    operation + " on " + table + " failed", e);
        } finally {
            span.end();
        }
    }

    /** SQLState class 23 is an integrity constraint violation on both H2 and PostgreSQL. */
    private static boolean uniqueViolation(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("23");
    }

    private void applySchema(String resource) {
        String script;
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema resource " + resource + " is not on the classpath");
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            // line comments go first: a ';' inside one would otherwise split a statement
            for (String sql : script.replaceAll("(?m)^\\s*--.*$", "").split(";")) {
                if (!sql.isBlank()) {
                    statement.execute(sql);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot apply " + resource, e);
        }
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
