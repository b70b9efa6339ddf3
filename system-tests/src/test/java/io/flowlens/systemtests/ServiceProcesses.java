package io.flowlens.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The four service jars started as real processes on free ports, configured only through environment variables
 * (the same MicroProfile Config keys compose and bin/services.sh use), each with its own in-memory database.
 */
final class ServiceProcesses implements AutoCloseable {

    static final List<String> SERVICES = List.of("users", "orders", "payments", "orchestrator");

    /**
     * What every set's JVMs get on top of the shipped options (system property {@code flowlens.test.jvm-opts}, C1 only
     * in the root pom): a set lives one test class, or one run of the suite, and never earns back what C2 spends
     * compiling its start and its first flows (perf/results/PROFILES.md, "C1 for the JVMs that live one test run").
     * A test's own FLOWLENS_JAVA_OPTS wins.
     */
    private static final Map<String, String> TEST_JVM =
            Map.of("FLOWLENS_JAVA_OPTS", System.getProperty("flowlens.test.jvm-opts", ""));

    /** Every port {@link #freePorts} chose in this JVM. */
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, Consumer<Map<String, String>>> launchers = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, Path> logs = new LinkedHashMap<>();
    private final Map<String, Path> tempDirs = new LinkedHashMap<>();
    /** Names this set's logs, data and span instances apart from the others' ({@code -label}, empty for the suite's). */
    private final String suffix;

    private ServiceProcesses(String suffix) {
        this.suffix = suffix;
    }

    /** Starts all four, exporting spans by OTLP to {@code otlpEndpoint}, and waits until each is ready. */
    static ServiceProcesses start(Path root, String otlpEndpoint, Map<String, String> extraEnvironment) {
        return start(root, otlpEndpoint, extraEnvironment, "");
    }

    /** A second set beside the first, for one test class: {@code label} keeps its logs and databases apart. */
    static ServiceProcesses start(Path root, String otlpEndpoint, Map<String, String> extraEnvironment, String label) {
        return start(root, otlpEndpoint, extraEnvironment, label, ServiceDatabases.h2Files());
    }

    /** A set whose services keep their data in {@code databases}, e.g. {@link PostgresDatabases}. */
    static ServiceProcesses start(Path root, String otlpEndpoint, Map<String, String> extraEnvironment, String label,
                                  ServiceDatabases databases) {
        String suffix = label.isEmpty() ? "" : "-" + label;
        ServiceProcesses services = new ServiceProcesses(suffix);
        services.ports.putAll(freePortPerService());
        try {
            Path logDir = Files.createDirectories(root.resolve("system-tests/target/service-logs" + suffix));
            Path dataDir = root.resolve("system-tests/target/service-data" + suffix);
            deleteRecursively(dataDir);
            ServiceJvm.ensureCaches(root);
            for (String service : SERVICES) {
                Map<String, String> instance = Map.of("OTEL_RESOURCE_ATTRIBUTES",
                        "service.instance.id=" + services.instanceId(service));
                Map<String, String> environment = merged(merged(merged(TEST_JVM, instance),
                        databases.environment(service, dataDir)), extraEnvironment);
                services.launchers.put(service, overrides -> services.launch(root, service, logDir, otlpEndpoint,
                        merged(environment, overrides)));
                services.launchers.get(service).accept(Map.of());
            }
            for (String service : SERVICES) {
                services.awaitReady(service, Duration.ofSeconds(90));
            }
        } catch (IOException e) {
            services.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            services.close();
            throw e;
        }
        return services;
    }

    String url(String service) {
        return "http://127.0.0.1:" + ports.get(service);
    }

    /** The {@code service.instance.id} resource attribute of this set's spans of {@code service}. */
    String instanceId(String service) {
        return service + suffix;
    }

    int port(String service) {
        return ports.get(service);
    }

    boolean isAlive(String service) {
        return processes.get(service).isAlive();
    }

    long pid(String service) {
        return processes.get(service).pid();
    }

    /** The temp dir ({@code java.io.tmpdir}) of the running JVM of {@code service}, emptied when it started. */
    Path tempDir(String service) {
        return tempDirs.get(service);
    }

    String logTail(String service, int lines) {
        try {
            List<String> all = Files.readAllLines(logs.get(service));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * Stops a service as an operator would (SIGTERM): unlike {@link #kill} it shuts down cleanly, exporting the spans
     * it still holds; {@link #restart} brings it back.
     */
    void stop(String service) {
        Process process = processes.get(service);
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError(service + " did not stop within 30 s of SIGTERM:\n" + logTail(service, 40));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills a service as a crash would; {@link #restart} brings it back on the same port with the same data. */
    void kill(String service) {
        Process process = processes.get(service);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void restart(String service) {
        restart(service, Map.of());
    }

    /** Restarts a killed service with some settings changed for this run of it only. */
    void restart(String service, Map<String, String> overrides) {
        launchers.get(service).accept(overrides);
        awaitReady(service, Duration.ofSeconds(90));
    }

    private static Map<String, String> merged(Map<String, String> base, Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>(base);
        merged.putAll(overrides);
        return merged;
    }

    private void launch(Path root, String service, Path logDir, String otlpEndpoint, Map<String, String> extra) {
        Path jar = root.resolve(service).resolve("target").resolve(service + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("missing " + jar + ": build the services first (mvn install)");
        }
        Path log = logDir.resolve(service + ".log");
        logs.put(service, log);
        // as bin/services.sh does: Helidon's static content (the Swagger UI's assets) copies each jar entry it serves
        // to a temp file it never deletes, so each run of a service gets a temp dir of its own instead of /tmp
        Path tempDir = logDir.resolveSibling("service-tmp" + suffix).resolve(service);
        try {
            deleteRecursively(tempDir);
            tempDirs.put(service, Files.createDirectories(tempDir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(ServiceJvm.command(root, service, extra));
        command.add(1, "-Djava.io.tmpdir=" + tempDir);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.put("SERVER_PORT", String.valueOf(ports.get(service)));
        env.put("SERVER_HOST", "127.0.0.1");
        env.put("OTEL_EXPORTER_OTLP_ENDPOINT", otlpEndpoint);
        env.put("OTEL_BSP_SCHEDULE_DELAY", "200");
        env.put("USERS_MP_REST_URL", url("users"));
        env.put("ORDERS_MP_REST_URL", url("orders"));
        env.put("PAYMENTS_MP_REST_URL", url("payments"));
        env.putAll(extra);
        try {
            processes.put(service, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long rssKilobytes(String service) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid(service) + "/status")).stream()
                    .filter(line -> line.startsWith("VmRSS:"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                    .findFirst().orElse(0);
        } catch (IOException e) {
            return 0;
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    private void awaitReady(String service, Duration timeout) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(url(service) + "/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Process process = processes.get(service);
            if (!process.isAlive()) {
                throw new AssertionError(service + " exited with " + process.exitValue() + ":\n" + logTail(service, 40));
            }
            try {
                if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(200);
        }
        throw new AssertionError(service + " not ready within " + timeout + ":\n" + logTail(service, 40));
    }

    @Override
    public void close() {
        processes.values().forEach(Process::destroy);
        for (Process process : processes.values()) {
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    /**
     * {@code count} different free ports, none handed out before in this JVM. Every probe socket stays open until all
     * are chosen, since a port just closed may be handed out again at once (a fresh-clone run gave payments and the
     * orchestrator of one set the same port; the orchestrator could not listen, and the test's requests reached
     * payments); and a port chosen earlier may not be bound yet (the balancer's ports wait for both sets to start).
     */
    static synchronized List<Integer> freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        try {
            for (int probes = 0; ports.size() < count; probes++) {
                if (probes == 100) {
                    throw new IOException("no " + count + " fresh free ports in 100 probes");
                }
                ServerSocket socket = new ServerSocket(0);
                sockets.add(socket);
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    ports.add(socket.getLocalPort());
                }
            }
            return List.copyOf(ports);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            sockets.forEach(ServiceProcesses::closeProbe);
        }
    }

    /** A probe that cannot be closed still chose its port; say so rather than fail the set. */
    private static void closeProbe(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            System.err.println("cannot close the port probe " + socket + ": " + e);
        }
    }

    static int freePort() {
        return freePorts(1).get(0);
    }

    /** A different free port for each of {@link #SERVICES}, in their order. */
    static Map<String, Integer> freePortPerService() {
        List<Integer> free = freePorts(SERVICES.size());
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (int i = 0; i < SERVICES.size(); i++) {
            ports.put(SERVICES.get(i), free.get(i));
        }
        return ports;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
