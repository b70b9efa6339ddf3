package io.flowlens.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A fresh database per service in the PostgreSQL of the test stack ({@code bin/stack.sh postgres up}, the same
 * cluster {@code make up DB=postgres} starts), so each test class starts on empty tables the migrations create.
 */
final class PostgresDatabases implements ServiceDatabases {

    private static final String ROLE = "flowlens";

    private final int port;
    private final String password;
    private final String suffix;

    private PostgresDatabases(int port, String password, String suffix) {
        this.port = port;
        this.password = password;
        this.suffix = suffix;
    }

    /** Starts the stack's PostgreSQL if needed and (re)creates {@code <service>_<label>} for each service. */
    static PostgresDatabases fresh(SystemUnderTest system, String label) {
        system.postgres(StackCommand.UP);
        String suffix = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
        PostgresDatabases databases = new PostgresDatabases(system.postgresPort(), password(system), suffix);
        try (Connection admin = databases.connect("postgres"); Statement statement = admin.createStatement()) {
            for (String service : ServiceProcesses.SERVICES) {
                statement.execute("DROP DATABASE IF EXISTS " + databases.name(service) + " WITH (FORCE)");
                statement.execute("CREATE DATABASE " + databases.name(service));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the test databases in PostgreSQL on :" + databases.port, e);
        }
        return databases;
    }

    @Override
    public Map<String, String> environment(String service, Path dataDir) {
        Map<String, String> environment = new HashMap<>();
        environment.put("FLOWLENS_DB_URL", url(name(service)));
        environment.put("FLOWLENS_DB_USER", ROLE);
        environment.put("FLOWLENS_DB_PASSWORD", password);
        return environment;
    }

    /** A connection to the service's database, to read what it stored. */
    Connection connect(String serviceOrDatabase) throws SQLException {
        String database = ServiceProcesses.SERVICES.contains(serviceOrDatabase) ? name(serviceOrDatabase) : serviceOrDatabase;
        return DriverManager.getConnection(url(database), ROLE, password);
    }

    private String name(String service) {
        return service + "_" + suffix;
    }

    private String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** The generated password, read from the file the stack keeps it in (outside the repository). */
    private static String password(SystemUnderTest system) {
        ProcessBuilder builder = new ProcessBuilder(List.of("bash", system.root().resolve("bin/stack.sh").toString(),
                "secret-file", "postgres")).directory(system.root().toFile());
        builder.environment().putAll(system.environment());
        try {
            Process process = builder.start();
            String path = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError("bin/stack.sh secret-file postgres failed");
            }
            return Files.readString(Path.of(path)).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What {@link SystemUnderTest#postgres} asks the stack script to do. */
    enum StackCommand {
        UP("up"), DOWN("down");

        final String argument;

        StackCommand(String argument) {
            this.argument = argument;
        }
    }
}
