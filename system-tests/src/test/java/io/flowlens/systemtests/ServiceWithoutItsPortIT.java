package io.flowlens.systemtests;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * A process whose port is taken fails its start: it ends with a non-zero exit code and says why, so a supervisor,
 * {@code bin/services.sh} or {@code bin/stack.sh} sees a failed start. Helidon 4.1.6 alone ended such a JVM with exit
 * code 0 ({@code server-check}'s {@code ListeningOrFail} makes it fail): a service, and the span indexer and the
 * console, which do not take the services' platform.
 */
@ResourceLock(Lanes.SIDE)
class ServiceWithoutItsPortIT {

    private static final Path ROOT = Path.of(System.getProperty("flowlens.root", "..")).toAbsolutePath().normalize();

    @ParameterizedTest
    @ValueSource(strings = {"users", "span-indexer", "console"})
    void aProcessWhosePortIsTakenExitsWithAnError(String name, @TempDir Path dir) throws Exception {
        Path log = dir.resolve(name + ".log");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ProcessBuilder builder = new ProcessBuilder(command(name)).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().putAll(Map.of("SERVER_PORT", String.valueOf(taken.getLocalPort()),
                    "SERVER_HOST", "127.0.0.1", "OTEL_SDK_DISABLED", "true", "FLOWLENS_DB_URL", "jdbc:h2:mem:users"));
            Process process = builder.start();
            boolean ended = process.waitFor(120, TimeUnit.SECONDS);
            if (!ended) {
                process.destroyForcibly();
            }
            String output = Files.readString(log);
            assertThat(name + " ended on its own:\n" + output, ended, is(true));
            assertThat(output, process.exitValue(), is(not(0)));
            assertThat(output, containsString("Address already in use"));
            assertThat(output, containsString("the web server is not listening"));
        }
    }

    /** A service as the project starts it; the indexer and the console as {@code bin/stack.sh} does (their jar). */
    private static List<String> command(String name) {
        if (name.equals("users")) {
            return ServiceJvm.command(ROOT, name, Map.of());
        }
        return ServiceJvm.observabilityJar(ROOT, name);
    }
}
