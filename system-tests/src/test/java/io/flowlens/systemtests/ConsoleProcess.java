package io.flowlens.systemtests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A web console of its own (observability/console's jar on a free port), reading span documents under an index prefix
 * of its own, for a view that needs data or settings the stack's console does not have; stopped by {@link #close()}.
 */
final class ConsoleProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final String url;

    private ConsoleProcess(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    /**
     * Starts the console on {@code elasticsearch}'s {@code prefix}-* indices and {@code jaeger}'s query API, with
     * {@code settings} (environment names of its MicroProfile Config keys) on top; waits until /health answers 200.
     * Its output goes to {@code log}.
     */
    static ConsoleProcess start(Path root, String elasticsearch, String jaeger, String prefix,
                                Map<String, String> settings, Path log) throws IOException {
        int port = ServiceProcesses.freePort();
        ConsoleProcess console = new ConsoleProcess(launch(root, elasticsearch, jaeger, prefix, settings, log, port),
                "http://127.0.0.1:" + port);
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .failFast("the console exited", () -> !console.process.isAlive())
                    .until(() -> HTTP.send(HttpRequest.newBuilder(URI.create(console.url + "/health")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        } catch (RuntimeException e) {
            console.close();
            throw new AssertionError("the console did not become healthy in 60 s (or exited); see " + log, e);
        }
        return console;
    }

    /**
     * Starts the console with {@code settings} it must refuse: answers its output once it exited, failing the test
     * if it is still running after 60 s or exited with 0.
     */
    static String refusedStart(Path root, String elasticsearch, String jaeger, Map<String, String> settings, Path log)
            throws IOException, InterruptedException {
        Process process = launch(root, elasticsearch, jaeger, "flowlens-spans", settings, log,
                ServiceProcesses.freePort());
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the console still runs 60 s after a start with " + settings + "; see " + log);
        }
        if (process.exitValue() == 0) {
            throw new AssertionError("the console exited with 0 after a start with " + settings + "; see " + log);
        }
        return Files.readString(log);
    }

    private static Process launch(Path root, String elasticsearch, String jaeger, String prefix,
                                  Map<String, String> settings, Path log, int port) throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(ServiceJvm.observabilityJar(root, "console"))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(Map.of("SERVER_PORT", String.valueOf(port),
                "FLOWLENS_ELASTICSEARCH_URL", elasticsearch, "FLOWLENS_JAEGER_URL", jaeger,
                "FLOWLENS_SPANS_INDEX_PREFIX", prefix));
        builder.environment().putAll(settings); // after the defaults, so a test's setting wins
        return builder.start();
    }

    String url() {
        return url;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
