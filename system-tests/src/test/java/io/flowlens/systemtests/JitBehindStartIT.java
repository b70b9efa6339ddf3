package io.flowlens.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * bin/jit-behind-start.py, which bin/services.sh and bin/bench.py run beside every service they start: a real users JVM
 * (its own options, C2 included) has its C2 compiler thread at nice 19 until the service counts as ready, and at its
 * priority again from then on, also when the script is stopped midway; its other threads are never touched. Here a
 * stand-in answers the script's readiness checks, so that the test decides when the service is ready.
 */
@ResourceLock(Lanes.MAIN)
class JitBehindStartIT {

    private static final Path ROOT = Path.of(System.getProperty("flowlens.root", "..")).toAbsolutePath().normalize();
    private static final String C2_THREAD = "C2 CompilerThre";
    private static final int BEHIND = 19;
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private static final AtomicBoolean READY = new AtomicBoolean();
    private static final AtomicInteger READINESS_CHECKS = new AtomicInteger();
    private static HttpServer standIn;
    private static Process users;
    private static int usersPort;
    private static boolean privileged;

    @BeforeAll
    static void startUsersAndTheStandIn(@TempDir Path logs) throws Exception {
        privileged = mayRaiseAPriority();
        standIn = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        standIn.createContext("/health/ready", exchange -> {
            READINESS_CHECKS.incrementAndGet();
            exchange.sendResponseHeaders(READY.get() ? 200 : 503, -1);
            exchange.close();
        });
        standIn.start();
        usersPort = ServiceProcesses.freePort();
        ProcessBuilder builder = new ProcessBuilder(ServiceJvm.command(ROOT, "users", Map.of()))
                .redirectErrorStream(true).redirectOutput(logs.resolve("users.log").toFile());
        builder.environment().putAll(Map.of("SERVER_PORT", String.valueOf(usersPort), "SERVER_HOST", "127.0.0.1",
                "OTEL_SDK_DISABLED", "true", "FLOWLENS_DB_URL", "jdbc:h2:mem:users-" + usersPort));
        users = builder.start();
        Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(20))
                .failFast("users exited", () -> !users.isAlive())
                .until(() -> !c2Priorities().isEmpty());
    }

    @BeforeEach
    void notReadyYet() {
        READY.set(false);
        READINESS_CHECKS.set(0);
        assertThat(c2Priorities(), everyItem(is(0)));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        users.destroy();
        if (!users.waitFor(20, TimeUnit.SECONDS)) {
            users.destroyForcibly();
        }
        standIn.stop(0);
    }

    @Test
    void c2WaitsUntilReadyThenGetsItsPriorityBack() throws Exception {
        Optional<Process> held = startHoldingC2Back();
        if (held.isEmpty()) {
            return;
        }
        Process behind = held.get();
        try {
            assertThat("the other threads keep their priority", otherPriorities(), everyItem(is(0)));
            assertThat("still waiting for ready", behind.isAlive(), is(true));

            READY.set(true);
            assertThat("ends at ready", behind.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), is(true));
            assertThat(behind.exitValue(), is(0));
            assertThat(c2Priorities(), everyItem(is(0)));
            assertThat(c2Priorities(), not(empty()));
        } finally {
            behind.destroyForcibly();
        }
    }

    @Test
    void stoppedMidwayItGivesThePriorityBack() throws Exception {
        Optional<Process> held = startHoldingC2Back();
        if (held.isEmpty()) {
            return;
        }
        Process behind = held.get();
        try {
            behind.destroy();  // SIGTERM, as when its caller is stopped
            assertThat(behind.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), is(true));
            assertThat(c2Priorities(), everyItem(is(0)));
        } finally {
            behind.destroyForcibly();
        }
    }

    @Test
    void switchedOffItTouchesNothing() throws Exception {
        assertEndsAtOnceTouchingNothing(jitBehindStart(Map.of("FLOWLENS_JIT_BEHIND_START", "off")));
        if (!privileged) {
            return;
        }
        // the same script, switched on, does ask (so the count above could have been more than 0)
        Process on = jitBehindStart(Map.of());
        try {
            Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(20))
                    .until(READINESS_CHECKS::get, greaterThan(0));
        } finally {
            on.destroy();
            on.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void endsByItselfOnceTheServiceItselfAnswersReady() throws Exception {
        // the stand-in above answers any request; the service is Helidon, which is stricter (it answers an HTTP/1.0
        // request 400: a script that asked so never saw ready, and held C2 back for its whole 90 s)
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + usersPort + "/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        Process behind = new ProcessBuilder(ROOT.resolve("bin/jit-behind-start.py").toString(),
                String.valueOf(users.pid()), String.valueOf(usersPort)).inheritIO().start();
        try {
            assertThat("ends once the service answers ready", behind.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS),
                    is(true));
            assertThat(behind.exitValue(), is(0));
            assertThat(c2Priorities(), everyItem(is(0)));
        } finally {
            behind.destroyForcibly();
        }
    }

    /**
     * The script against the stand-in (not ready), once it has C2 at nice 19; empty, having checked that it touched
     * nothing, where this user could not raise the priority again (not root, nor RLIMIT_NICE): a C2 left at nice 19
     * would starve under load, so the script then leaves it alone.
     */
    private static Optional<Process> startHoldingC2Back() throws Exception {
        Process behind = jitBehindStart(Map.of());
        if (!privileged) {
            assertEndsAtOnceTouchingNothing(behind);
            return Optional.empty();
        }
        try {
            Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(20))
                    .until(() -> c2Priorities().stream().allMatch(nice -> nice == BEHIND));
        } catch (RuntimeException | Error notHeld) {
            behind.destroyForcibly();
            throw notHeld;
        }
        return Optional.of(behind);
    }

    private static void assertEndsAtOnceTouchingNothing(Process behind) throws InterruptedException {
        assertThat("ends at once", behind.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), is(true));
        assertThat(behind.exitValue(), is(0));
        assertThat("never asked whether the service is ready", READINESS_CHECKS.get(), is(0));
        assertThat(c2Priorities(), everyItem(is(0)));
    }

    private static Process jitBehindStart(Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(ROOT.resolve("bin/jit-behind-start.py").toString(),
                String.valueOf(users.pid()), String.valueOf(standIn.getAddress().getPort()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** The nice value of each C2 compiler thread of the users JVM. */
    private static List<Integer> c2Priorities() {
        return priorities(true);
    }

    private static List<Integer> otherPriorities() {
        return priorities(false);
    }

    private static List<Integer> priorities(boolean compilerThreads) {
        List<Integer> priorities = new ArrayList<>();
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(users.pid()), "task"))) {
            for (Path task : tasks.toList()) {
                String name;
                String stat;
                try {
                    name = Files.readString(task.resolve("comm")).strip();
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException ended) {
                    continue;  // a thread that ended meanwhile
                }
                if (name.startsWith(C2_THREAD) == compilerThreads) {
                    // after the name in parentheses: state is field 3 of proc(5)'s stat, nice field 19
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    priorities.add(Integer.parseInt(fields[19 - 3]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return priorities;
    }

    /** Whether this user may lower a priority and raise it again, which the script checks the same way first. */
    private static boolean mayRaiseAPriority() throws Exception {
        Process probe = new ProcessBuilder("python3", "-c",
                "import os; os.setpriority(os.PRIO_PROCESS, 0, 1); os.setpriority(os.PRIO_PROCESS, 0, 0)").start();
        assertThat(probe.waitFor(10, TimeUnit.SECONDS), is(true));
        return probe.exitValue() == 0;
    }
}
