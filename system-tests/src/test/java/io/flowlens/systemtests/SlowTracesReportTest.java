package io.flowlens.systemtests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

/** bin/slow_traces.py, which bin/perf.sh runs after k6: the report's slowest and failed requests link to the console. */
class SlowTracesReportTest {

    private static final Path ROOT = Path.of(System.getProperty("flowlens.root", "..")).toAbsolutePath().normalize();

    @Test
    void slowestAndFailedRequestsLinkToTheirTraceInTheConsole(@TempDir Path run) throws Exception {
        // as k6 writes its console output: the JSON's quotes escaped inside the log line
        Files.writeString(run.resolve("console.log"), String.join("\n",
                "time=\"2026-12-03T09:00:00Z\" level=info msg=\"TRACE {\\\"name\\\":\\\"full flow\\\",\\\"status\\\":200,"
                        + "\\\"ms\\\":1200,\\\"traceId\\\":\\\"" + "a".repeat(32) + "\\\"}\" source=console",
                "time=\"2026-12-03T09:00:01Z\" level=info msg=\"TRACE {\\\"name\\\":\\\"create order\\\",\\\"status\\\":201,"
                        + "\\\"ms\\\":3400,\\\"traceId\\\":\\\"" + "b".repeat(32) + "\\\"}\" source=console",
                "time=\"2026-12-03T09:00:02Z\" level=info msg=\"TRACE {\\\"name\\\":\\\"full flow\\\",\\\"status\\\":503,"
                        + "\\\"ms\\\":90,\\\"traceId\\\":\\\"" + "c".repeat(32) + "\\\"}\" source=console",
                "time=\"2026-12-03T09:00:03Z\" level=info msg=\"not a trace line\" source=console", ""));

        String output = run(run, "http://127.0.0.1:16686", "http://127.0.0.1:8395/");

        List<String> lines = Files.readAllLines(run.resolve("traces.txt"));
        assertThat(lines, contains(
                "Slowest requests (over SLOW_MS):",
                "    3400 ms  create order           http://127.0.0.1:8395/traces/" + "b".repeat(32),
                "    1200 ms  full flow              http://127.0.0.1:8395/traces/" + "a".repeat(32),
                "Failed requests:",
                "  HTTP 503  full flow              http://127.0.0.1:8395/traces/" + "c".repeat(32),
                "Open a link in the console (make up), or in a terminal: bin/waterfall.py <trace id> "
                        + "http://127.0.0.1:16686"));
        assertThat("printed as written", output, is(String.join("\n", lines) + "\n"));
    }

    @Test
    void aRunWithoutConsoleOutputGetsAnEmptyReport(@TempDir Path run) throws Exception {
        run(run, "http://127.0.0.1:16686", "http://127.0.0.1:8095");

        assertThat(Files.readAllLines(run.resolve("traces.txt")).subList(0, 2),
                contains("Slowest requests (over SLOW_MS):", "Failed requests:"));
    }

    /** Runs the script on a k6 run's folder as bin/perf.sh does; its output. */
    static String run(Path folder, String jaeger, String console) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("python3", ROOT.resolve("bin/slow_traces.py").toString(),
                folder.toString(), jaeger, console).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat("bin/slow_traces.py finished", process.waitFor(30, TimeUnit.SECONDS), is(true));
        assertThat("exit code; output:\n" + output, process.exitValue(), is(0));
        return output;
    }
}
