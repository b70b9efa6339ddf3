package io.flowlens.systemtests;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/** perf/k6/smoke.js against the system under test: every endpoint once, strict checks, thresholds enforced by k6. */
@ResourceLock(Lanes.MAIN)
class K6SmokeIT {

    /** Every check perf/k6/smoke.js makes: 8 on the four services, 10 through the gateway, 3 on full flows. */
    private static final int SMOKE_CHECKS = 21;

    private static SystemUnderTest system;

    @BeforeAll
    static void start() {
        system = SystemUnderTest.get();
    }

    /**
     * Through bin/perf.sh, as {@code make smoke-test} runs it: the script a user runs is the one tested, its k6
     * options, its traces.txt and the list of files it says it wrote.
     */
    @Test
    void smokeScriptPassesItsChecksAndThresholds() throws IOException, InterruptedException {
        Path root = system.root();
        Path k6 = root.resolve(".stack/bin/k6");
        assertThat("k6 is installed by bin/stack.sh install at " + k6, Files.isExecutable(k6), is(true));
        Path run = root.resolve("system-tests/target/k6-smoke");
        ServiceProcesses.deleteRecursively(run);
        ServiceProcesses services = system.services();
        ProcessBuilder builder = new ProcessBuilder(List.of("bash", root.resolve("bin/perf.sh").toString(), "smoke"))
                .redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.put("FLOWLENS_PERF_OUT", run.toString());
        // no live dashboard server (k6's advice for CI): its port 5665 may be a person's k6 on this machine
        environment.put("K6_WEB_DASHBOARD_PORT", "-1");
        environment.put("ORCHESTRATOR_PORT", String.valueOf(services.port("orchestrator")));
        environment.put("USERS_PORT", String.valueOf(services.port("users")));
        environment.put("ORDERS_PORT", String.valueOf(services.port("orders")));
        environment.put("PAYMENTS_PORT", String.valueOf(services.port("payments")));
        environment.put("JAEGER_QUERY_PORT", String.valueOf(URI.create(system.jaegerQuery()).getPort()));
        environment.put("CONSOLE_PORT", String.valueOf(URI.create(system.console()).getPort()));
        Process process = builder.start();
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean finished = process.waitFor(2, TimeUnit.MINUTES);
        Files.writeString(root.resolve("system-tests/target/k6-smoke-output.txt"), log);
        assertThat("bin/perf.sh smoke finished in time", finished, is(true));
        assertThat("k6 smoke exit code (99 = a threshold failed); output:\n" + log, process.exitValue(), is(0));

        // a script error ends the iteration early and would pass `checks: rate==1.0` with fewer checks run
        JsonPath checks = JsonPath.from(run.resolve("summary.json").toFile());
        assertThat("checks that ran; output:\n" + log, checks.getInt("metrics.checks.values.passes"), is(SMOKE_CHECKS));
        assertThat("failed checks; output:\n" + log, checks.getInt("metrics.checks.values.fails"), is(0));
        assertThat(Files.readString(run.resolve("traces.txt")), containsString("Slowest requests (over SLOW_MS):"));
        // it names the files it wrote, and only those (k6 writes no report.html for a run of a few seconds)
        List<String> written = Stream.of("report.html", "summary.json", "traces.txt")
                .filter(file -> Files.exists(run.resolve(file))).toList();
        assertThat(log, containsString("results in " + run + " (" + String.join(" ", written) + "); k6 exit code 0"));
    }
}
