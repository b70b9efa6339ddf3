package io.flowlens.systemtests;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * A service whose port is taken fails its start: the process ends with a non-zero exit code and says why, so a
 * supervisor or {@code bin/services.sh} sees a failed start. Helidon 4.1.6 alone ended such a JVM with exit code 0
 * (the platform's {@code ListeningOrFail} makes it fail).
 */
class ServiceWithoutItsPortIT {

    private static final Path ROOT = Path.of(System.getProperty("flowlens.root", "..")).toAbsolutePath().normalize();

    @Test
    void aServiceWhosePortIsTakenExitsWithAnError(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("users.log");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<String> command = ServiceJvm.command(ROOT, "users", Map.of());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(Map.of("SERVER_PORT", String.valueOf(taken.getLocalPort()),
                    "SERVER_HOST", "127.0.0.1", "OTEL_SDK_DISABLED", "true", "FLOWLENS_DB_URL", "jdbc:h2:mem:users"));
            Process process = builder.start();
            boolean ended = process.waitFor(120, TimeUnit.SECONDS);
            if (!ended) {
                process.destroyForcibly();
            }
            String output = Files.readString(log);
            assertThat("users ended on its own:\n" + output, ended, is(true));
            assertThat(output, process.exitValue(), is(not(0)));
            assertThat(output, containsString("Address already in use"));
            assertThat(output, containsString("the web server is not listening"));
        }
    }
}
