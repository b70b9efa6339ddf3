package io.flowlens.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The JVM a service jar runs in, as {@code bin/service-jvm.sh} decides it (heap, GC, AOT cache): the system tests ask
 * the same script bin/services.sh asks, so the options live in one place.
 */
final class ServiceJvm {

    private static boolean cachesChecked;

    private ServiceJvm() {
    }

    /** The java launcher of this JVM: the tests run the services on the JDK Maven runs on (bin/mvn.sh found it). */
    static Path java() {
        return Path.of(ProcessHandle.current().info().command().orElseThrow());
    }

    /**
     * Trains the AOT caches when they are missing or stale, once per test JVM. A failure only costs speed (the
     * services then start without a cache), so it is logged, not thrown.
     */
    static synchronized void ensureCaches(Path root) {
        if (cachesChecked) {
            return;
        }
        cachesChecked = true;
        Path log = root.resolve("system-tests/target/aot-cache.log");
        ProcessBuilder builder = script(root, Map.of(), "cache")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        int exit = run(builder, 900);
        if (exit != 0) {
            System.err.println("bin/service-jvm.sh cache exited " + exit + " (services start without AOT caches); see " + log);
        }
    }

    /** The options for {@code service}; {@code environment} may set FLOWLENS_AOT_DIR, FLOWLENS_AOT or FLOWLENS_JAVA_OPTS. */
    static List<String> options(Path root, String service, Map<String, String> environment) {
        ProcessBuilder builder = script(root, environment, "options", service)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        return output(builder, 60).lines().filter(line -> !line.isBlank()).toList();
    }

    /**
     * What {@code builder}'s process printed, once it exited 0 within the timeout; otherwise an exception that says
     * which, with what it printed. The output goes to a file rather than a pipe read before the wait: reading a pipe
     * to its end blocks until the process ends, so the timeout could never fire on a process that hangs.
     */
    static String output(ProcessBuilder builder, long timeoutSeconds) {
        try {
            Path out = Files.createTempFile("service-jvm-", ".out");
            try {
                int exit = run(builder.redirectOutput(out.toFile()), timeoutSeconds);
                String printed = Files.readString(out);
                if (exit != 0) {
                    throw new IllegalStateException(String.join(" ", builder.command())
                            + (exit < 0 ? " did not end within " + timeoutSeconds + " s" : " exited " + exit)
                            + "; it printed:\n" + printed);
                }
                return printed;
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The full command line that starts {@code service}'s jar. */
    static List<String> command(Path root, String service, Map<String, String> environment) {
        List<String> command = jvm(root, service, environment);
        command.add("-jar");
        command.add(root.resolve(service).resolve("target").resolve(service + ".jar").toString());
        return command;
    }

    /** The java launcher with {@code service}'s options (its AOT cache among them), for the caller to complete. */
    static List<String> jvm(Path root, String service, Map<String, String> environment) {
        List<String> command = new ArrayList<>();
        command.add(java().toString());
        command.addAll(options(root, service, environment));
        return command;
    }

    /**
     * The command line that starts one of observability's own jars ({@code span-indexer}, {@code console}) on the
     * tests' JDK; they take no options from bin/service-jvm.sh.
     */
    static List<String> observabilityJar(Path root, String module) {
        return List.of(java().toString(), "-jar",
                root.resolve("observability").resolve(module).resolve("target").resolve(module + ".jar").toString());
    }

    static ProcessBuilder script(Path root, Map<String, String> environment, String... args) {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("bin/service-jvm.sh").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("JAVA_HOME", java().getParent().getParent().toString());
        builder.environment().putAll(environment);
        return builder;
    }

    private static int run(ProcessBuilder builder, long timeoutSeconds) {
        try {
            Process process = builder.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
