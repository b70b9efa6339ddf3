package io.flowlens.systemtests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The AOT cache bin/service-jvm.sh hands the services costs speed only: a service starts and answers ready with its
 * cache missing, stale (built for another class path), or corrupt, and uses a fresh one, which holds data, not machine
 * code for the CPU that trained it.
 */
@ResourceLock(Lanes.SIDE)
class ServiceJvmIT {

    private static final Path ROOT = Path.of(System.getProperty("flowlens.root", "..")).toAbsolutePath().normalize();
    private static final Duration READY = Duration.ofSeconds(120);
    /** A warning or error the JVM logs about the AOT cache or its code, whatever other tags share the line. */
    private static final Pattern AOT_COMPLAINT = Pattern.compile("\\[(warning|error)]\\[aot[ ,\\]]");

    @BeforeAll
    static void trainCaches() {
        ServiceJvm.ensureCaches(ROOT);
    }

    @Test
    void missingCacheIsLeftOutAndTheServiceStarts(@TempDir Path empty) throws Exception {
        Map<String, String> env = Map.of("FLOWLENS_AOT_DIR", empty.toString());
        assertThat(ServiceJvm.options(ROOT, "users", env), everyItem(not(startsWith("-XX:AOTCache"))));
        assertStartsReady(env, empty.resolve("users.log"));
    }

    @Test
    void cacheWithAnOutdatedKeyIsLeftOut(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("users.aot"), "not a cache");
        Files.writeString(dir.resolve("users.aot.key"), "built for another jar or JDK\n");
        Map<String, String> env = Map.of("FLOWLENS_AOT_DIR", dir.toString());
        assertThat(ServiceJvm.options(ROOT, "users", env), everyItem(not(startsWith("-XX:AOTCache"))));
        assertStartsReady(env, dir.resolve("users.log"));
    }

    /**
     * A start does not hash the jars when the stamp written at training (sizes and mtimes of the class path, JDK,
     * options) still matches: the key is then not read at all. A stamp that does not match falls back to the key.
     */
    @Test
    void matchingStampAnswersWithoutTheKeyAndAStaleOneFallsBackToIt(@TempDir Path dir) throws Exception {
        assumeAotCache();
        Files.createSymbolicLink(dir.resolve("users.aot"), ROOT.resolve("users/target/users.aot"));
        Files.copy(ROOT.resolve("users/target/users.aot.mtimes"), dir.resolve("users.aot.mtimes"));
        Files.copy(ROOT.resolve("users/target/users.aot.stamp"), dir.resolve("users.aot.stamp"));
        Files.writeString(dir.resolve("users.aot.key"), "not read while the stamp matches\n");
        Map<String, String> env = Map.of("FLOWLENS_AOT_DIR", dir.toString());
        assertThat(ServiceJvm.options(ROOT, "users", env), hasItem("-XX:AOTCache=" + dir.resolve("users.aot")));

        Files.writeString(dir.resolve("users.aot.stamp"), "stamp of another class path\n");
        assertThat(ServiceJvm.options(ROOT, "users", env), everyItem(not(startsWith("-XX:AOTCache"))));
        Files.writeString(dir.resolve("users.aot.key"), key("users"));
        assertThat(ServiceJvm.options(ROOT, "users", env), hasItem("-XX:AOTCache=" + dir.resolve("users.aot")));
    }

    /** The key can be fooled (a jar rewritten with the same size and mtime): the JVM's own check then refuses it. */
    @Test
    void staleCacheThatPassesTheKeyStillStarts(@TempDir Path dir) throws Exception {
        assumeAotCache();
        // the orders service's cache was built for the orders class path, not the users one
        Files.createSymbolicLink(dir.resolve("users.aot"), ROOT.resolve("orders/target/orders.aot"));
        Files.writeString(dir.resolve("users.aot.key"), key("users"));
        Files.copy(ROOT.resolve("users/target/users.aot.mtimes"), dir.resolve("users.aot.mtimes"));
        Map<String, String> env = Map.of("FLOWLENS_AOT_DIR", dir.toString());
        assertThat(ServiceJvm.options(ROOT, "users", env), hasItem("-XX:AOTCache=" + dir.resolve("users.aot")));
        assertStartsReady(env, dir.resolve("users.log"));
    }

    @Test
    void corruptCacheThatPassesTheKeyStillStarts(@TempDir Path dir) throws Exception {
        assumeAotCache();
        byte[] truncated = new byte[1 << 20];
        try (var in = Files.newInputStream(ROOT.resolve("users/target/users.aot"))) {
            in.readNBytes(truncated, 0, truncated.length);
        }
        Files.write(dir.resolve("users.aot"), truncated);
        Files.writeString(dir.resolve("users.aot.key"), key("users"));
        Files.copy(ROOT.resolve("users/target/users.aot.mtimes"), dir.resolve("users.aot.mtimes"));
        Map<String, String> env = Map.of("FLOWLENS_AOT_DIR", dir.toString());
        assertThat(ServiceJvm.options(ROOT, "users", env), hasItem("-XX:AOTCache=" + dir.resolve("users.aot")));
        String log = assertStartsReady(env, dir.resolve("users.log"));
        assertThat(log, AOT_COMPLAINT.matcher(log).find(), is(true));  // the JVM said why it went on without it
    }

    @Test
    void freshCacheIsUsedWithoutComplaint(@TempDir Path logs) throws Exception {
        assumeAotCache();
        assertThat(ServiceJvm.options(ROOT, "users", Map.of()),
                hasItem("-XX:AOTCache=" + ROOT.resolve("users/target/users.aot")));
        String log = assertStartsReady(Map.of(), logs.resolve("users.log"));
        // unified logging pads the tags when several appear ("[warning][aot                ]"), so match the prefix
        assertThat(log, AOT_COMPLAINT.matcher(log).find(), is(false));
    }

    @Test
    void trainedCacheHoldsNoMachineCode() {
        // JDK 25 stores interpreter/compiled-code adapters in a cache it creates unless told not to: code for the CPU
        // that trained it, which the cache's key does not know (bin/service-jvm.sh, TRAINING_OPTS)
        assumeAotCache();
        String output = usersJvmVersion("-Xlog:aot+codecache+init=info");
        assertThat(output, output.contains("AOT Code Cache is empty"), is(true));
        assertThat(output, AOT_COMPLAINT.matcher(output).find(), is(false));
    }

    @Test
    void c2SkipsStartUpCodeAndC1StillCompilesIt() {
        // what the JVM made of bin/compiler-directives.json: Exclude put under c1, or a JDK that reads the file
        // otherwise, would still start every service, only slower or with start-up code left interpreted
        String output = usersJvmVersion("-XX:+CompilerDirectivesPrint");
        Matcher directive = Pattern.compile("matching: (.*)\\n c1 directives:\\n.*\\n  Enable:\\w+ Exclude:(\\w+).*"
                + "\\n\\n c2 directives:\\n.*\\n  Enable:\\w+ Exclude:(\\w+)").matcher(output);
        assertThat(output, directive.find(), is(true));
        assertThat(directive.group(1), containsString("jdk/internal/classfile/*.*"));
        assertThat(directive.group(1), not(containsString("org/glassfish/jersey")));
        assertThat("C1 compiles the start-up code", directive.group(2), is("false"));
        assertThat("C2 does not", directive.group(3), is("true"));
    }

    @Test
    void aScriptThatHangsFailsAtItsTimeoutAndOneThatEndsGivesItsOutput() {
        // the options and the cache's key are read through ServiceJvm.output: a hung script must fail the test, not
        // hold the run until failsafe's own timeout
        long began = System.nanoTime();
        IllegalStateException hung = assertThrows(IllegalStateException.class,
                () -> ServiceJvm.output(new ProcessBuilder("sleep", "60"), 1));
        assertThat(hung.getMessage(), containsString("did not end within 1 s"));
        assertThat(Duration.ofNanos(System.nanoTime() - began), lessThan(Duration.ofSeconds(30)));
        assertThat(ServiceJvm.output(new ProcessBuilder("echo", "key line"), 10), is("key line\n"));
        IllegalStateException failed = assertThrows(IllegalStateException.class,
                () -> ServiceJvm.output(new ProcessBuilder("false"), 10));
        assertThat(failed.getMessage(), containsString("exited 1"));
        IllegalStateException said = assertThrows(IllegalStateException.class,
                () -> ServiceJvm.output(new ProcessBuilder("sh", "-c", "echo why; exit 3"), 10));
        assertThat(said.getMessage(), containsString("exited 3; it printed:\nwhy"));
    }

    @Test
    void optionsSkipWeldSchemaValidation(@TempDir Path logs) throws Exception {
        // the schemas cost ~0.5 CPU-s of a start (PROFILES.md); beans.xml is still parsed, so discovery is unchanged
        assertThat(ServiceJvm.options(ROOT, "users", Map.of()), hasItem("-Dorg.jboss.weld.xml.disableValidating=true"));
        String log = assertStartsReady(Map.of(), logs.resolve("users.log"));
        assertThat(log, log.contains("WELD-ENV-000020"), is(true));  // "Using jandex for bean discovery"
    }

    private static void assumeAotCache() {
        // bin/lib.sh picks the newest JDK (Temurin 25 on our machines): a run on an older one must fail, not skip
        assertThat("the JDK running the tests has the AOT cache (25+)", Runtime.version().feature(),
                greaterThanOrEqualTo(25));
        assertThat("bin/service-jvm.sh cache trained users", Files.isRegularFile(ROOT.resolve("users/target/users.aot")),
                is(true));
    }

    /**
     * What the users service's JVM (its options, its cache) prints for {@code -version} with {@code extra} options
     * added; fails unless the JVM exits 0, with what it printed.
     */
    private static String usersJvmVersion(String... extra) {
        List<String> command = ServiceJvm.jvm(ROOT, "users", Map.of());
        command.addAll(List.of(extra));
        command.add("-version");
        return ServiceJvm.output(new ProcessBuilder(command).redirectErrorStream(true), 60);
    }

    private static String key(String service) {
        return ServiceJvm.output(ServiceJvm.script(ROOT, Map.of(), "key", service), 60);
    }

    /** Starts the users jar as the system tests do, waits for /health/ready 200, stops it; returns its log. */
    private static String assertStartsReady(Map<String, String> scriptEnvironment, Path log) throws Exception {
        int port = ServiceProcesses.freePort();
        List<String> command = ServiceJvm.command(ROOT, "users", scriptEnvironment);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(Map.of("SERVER_PORT", String.valueOf(port), "SERVER_HOST", "127.0.0.1",
                "OTEL_SDK_DISABLED", "true", "FLOWLENS_DB_URL", "jdbc:h2:mem:users-" + port));
        Process process = builder.start();
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build();
            Awaitility.await().atMost(READY).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .failFast("users exited", () -> !process.isAlive())
                    .until(() -> client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        } finally {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        return readLog(log);
    }

    private static String readLog(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }
}
