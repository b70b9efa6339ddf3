package io.flowlens.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The whole system for the system tests, started once per test JVM: Elasticsearch, the span indexer, Jaeger and the
 * web console through the project's own {@code bin/stack.sh} (a separate instance on test ports, so a running
 * {@code make up} is not disturbed), then the four services exporting to that Jaeger, which sends every span on to the
 * indexer. Anything that cannot start fails the tests with its log tail; nothing skips.
 *
 * <p>The side lane ({@link Lanes#SIDE}) has a stack instance of its own, {@link #side()}, with no services: its
 * classes start their own sets against it, and the main lane's outages (Elasticsearch, Jaeger, the indexer,
 * PostgreSQL stopped) do not reach them.
 */
final class SystemUnderTest {

    /**
     * Shifts every stack port and names a separate stack instance, so two checkouts (or two people on one machine)
     * can run the system tests side by side: {@code -Dflowlens.test.port-offset=100}.
     */
    private static final int OFFSET = Integer.getInteger("flowlens.test.port-offset", 0);
    private static final String INSTANCE = "system-tests";
    /** The side lane's instance, beside the secured (50), private-checkout (60) and cluster (70) ones. */
    private static final String SIDE_INSTANCE = "side-tests";
    private static final int SIDE_SHIFT = 80;

    static final int ES_PORT = 19200 + OFFSET;
    static final int OTLP_HTTP_PORT = 14318 + OFFSET;
    static final int OTLP_GRPC_PORT = 14317 + OFFSET;
    static final int QUERY_PORT = 16687 + OFFSET;
    static final int HEALTH_PORT = 13134 + OFFSET;
    static final int METRICS_PORT = 18888 + OFFSET;
    static final int INDEXER_PORT = 18094 + OFFSET;
    static final int CONSOLE_PORT = 18095 + OFFSET;
    /** Started only by the Postgres* tests ({@link #postgres}); {@code bin/stack.sh down} stops it with the rest. */
    static final int PG_PORT = 15433 + OFFSET;

    /** One lock per instance: the side lane's first class need not wait for the main stack's start, or the reverse. */
    private static final Object MAIN_LOCK = new Object();
    private static final Object SIDE_LOCK = new Object();
    private static SystemUnderTest main;
    private static SystemUnderTest side;

    private final Path root;
    private final ServiceProcesses services;
    private final String name;
    private final int shift;

    private SystemUnderTest(Path root, ServiceProcesses services, String name, int shift) {
        this.root = root;
        this.services = services;
        this.name = name;
        this.shift = shift;
    }

    /** The main stack and the suite's main service set, for the main lane's classes. */
    static SystemUnderTest get() {
        synchronized (MAIN_LOCK) {
            if (main == null) {
                Path root = startStack(INSTANCE, 0);
                // one export per service, as bin/services.sh starts them: the documents come through the indexer
                ServiceProcesses services = ServiceProcesses.start(root, otlpAt(0), Map.of());
                Runtime.getRuntime().addShutdownHook(new Thread(services::close));
                main = new SystemUnderTest(root, services, INSTANCE, 0);
            }
            return main;
        }
    }

    /** The side lane's stack: the same backends on ports of their own, and no services. */
    static SystemUnderTest side() {
        synchronized (SIDE_LOCK) {
            if (side == null) {
                side = new SystemUnderTest(startStack(SIDE_INSTANCE, SIDE_SHIFT), null, SIDE_INSTANCE, SIDE_SHIFT);
            }
            return side;
        }
    }

    /** Starts the stack instance {@code name} on ports shifted by {@code shift}, stopped when this JVM exits. */
    private static Path startStack(String name, int shift) {
        Path root = repositoryRoot();
        Map<String, String> environment = instanceEnvironment(name, shift);
        stack(root, "up", environment);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stack(root, "down", environment)));
        return root;
    }

    /** The checkout the tests run in (system property {@code flowlens.root}, else the module's parent). */
    static Path repositoryRoot() {
        return Path.of(System.getProperty("flowlens.root", "..")).toAbsolutePath().normalize();
    }

    ServiceProcesses services() {
        if (services == null) {
            throw new IllegalStateException("the " + name + " stack runs no services; start a set against it");
        }
        return services;
    }

    String orchestrator() {
        return services().url("orchestrator");
    }

    JaegerQuery jaeger() {
        return new JaegerQuery(jaegerQuery());
    }

    /** Jaeger's query API (and UI): where the analytics core and the console read traces. */
    String jaegerQuery() {
        return "http://127.0.0.1:" + (QUERY_PORT + shift);
    }

    /** Jaeger's OTLP/HTTP receiver, where a service set sends its spans. */
    String otlp() {
        return otlpAt(shift);
    }

    private static String otlpAt(int shift) {
        return "http://127.0.0.1:" + (OTLP_HTTP_PORT + shift);
    }

    String elasticsearch() {
        return "http://127.0.0.1:" + (ES_PORT + shift);
    }

    Path root() {
        return root;
    }

    /** The span indexer behind Jaeger: {@code /metrics} has its counts and the exporter's. */
    String indexer() {
        return "http://127.0.0.1:" + (INDEXER_PORT + shift);
    }

    /** Jaeger's own Prometheus metrics, e.g. {@code otelcol_exporter_send_failed_spans_total{exporter="..."}}. */
    String jaegerMetrics() {
        return "http://127.0.0.1:" + (METRICS_PORT + shift) + "/metrics";
    }

    /** The web console the stack started (observability/console). */
    String console() {
        return "http://127.0.0.1:" + (CONSOLE_PORT + shift);
    }

    /** The stack instance's own folder: data, logs and pid files of its Elasticsearch, Jaeger and span indexer. */
    Path instanceDir() {
        return root.resolve(".stack/instances").resolve(environment().get("FLOWLENS_INSTANCE"));
    }

    /** The port of this instance's PostgreSQL. */
    int postgresPort() {
        return PG_PORT + shift;
    }

    /** The environment {@code bin/stack.sh} and {@code bin/services.sh} address this instance with. */
    Map<String, String> environment() {
        return instanceEnvironment(name, shift);
    }

    /** Runs {@code bin/stack.sh <command>} against the main test instance; a failure carries the script's output. */
    static void stack(Path root, String command) {
        stack(root, command, instanceEnvironment());
    }

    /** This instance's PostgreSQL: started, or stopped as a crash of the database server would look to a client. */
    void postgres(PostgresDatabases.StackCommand command) {
        stack(root, "postgres " + command.argument, environment());
    }

    /** The environment of the test instance itself. */
    static Map<String, String> instanceEnvironment() {
        return instanceEnvironment(INSTANCE, 0);
    }

    /**
     * The environment of a stack instance of the system tests: its name and its ports, shifted by {@code shift}
     * (beyond the port offset) so that a second instance, e.g. a secured one, can run beside the main one.
     */
    static Map<String, String> instanceEnvironment(String name, int shift) {
        // a separate instance (own data, logs, pids) that shares the installed binaries of .stack/
        Map<String, String> environment = new java.util.HashMap<>(Map.of("FLOWLENS_INSTANCE", name + (OFFSET == 0 ? "" : "-" + OFFSET),
                "ES_PORT", String.valueOf(ES_PORT + shift),
                "JAEGER_OTLP_HTTP_PORT", String.valueOf(OTLP_HTTP_PORT + shift),
                "JAEGER_OTLP_GRPC_PORT", String.valueOf(OTLP_GRPC_PORT + shift),
                "JAEGER_QUERY_PORT", String.valueOf(QUERY_PORT + shift),
                "JAEGER_HEALTH_PORT", String.valueOf(HEALTH_PORT + shift),
                "JAEGER_QUERY_GRPC_PORT", String.valueOf(16695 + OFFSET + shift),
                "JAEGER_METRICS_PORT", String.valueOf(METRICS_PORT + shift),
                "SPAN_INDEXER_PORT", String.valueOf(INDEXER_PORT + shift),
                "CONSOLE_PORT", String.valueOf(CONSOLE_PORT + shift)));
        environment.put("PG_PORT", String.valueOf(PG_PORT + shift));
        return environment;
    }

    static void stack(Path root, String command, Map<String, String> environment) {
        List<String> arguments = new java.util.ArrayList<>(List.of("bin/stack.sh"));
        arguments.addAll(List.of(command.split(" ")));
        script(root, arguments, environment, Duration.ofMinutes(15));
    }

    /**
     * Runs one of the project's scripts ({@code bin/...} and its arguments) from the repository root with
     * {@code environment} added, prints its output, and fails with that output when it fails or outlasts
     * {@code timeout}.
     */
    static void script(Path root, List<String> arguments, Map<String, String> environment, Duration timeout) {
        List<String> command = new java.util.ArrayList<>(List.of("bash", root.resolve(arguments.get(0)).toString()));
        command.addAll(arguments.subList(1, arguments.size()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(root.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", arguments) + " failed:\n" + output);
            }
            System.out.print(output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
