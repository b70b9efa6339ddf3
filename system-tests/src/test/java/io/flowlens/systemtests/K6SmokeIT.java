package io.flowlens.systemtests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.hamcrest.MatcherAssert.assertThat;
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

    @Test
    void smokeScriptPassesItsChecksAndThresholds() throws IOException, InterruptedException {
        Path root = system.root();
        Path k6 = root.resolve(".stack/bin/k6");
        assertThat("k6 is installed by bin/stack.sh install at " + k6, Files.isExecutable(k6), is(true));
        Path output = root.resolve("system-tests/target/k6-smoke-output.txt");
        Path summary = root.resolve("system-tests/target/k6-smoke-summary.json");
        Files.deleteIfExists(summary);
        ServiceProcesses services = system.services();
        Process process = new ProcessBuilder(List.of(k6.toString(), "run", "--quiet", "--no-usage-report",
                "-e", "BASE_URL=" + services.url("orchestrator"),
                "-e", "USERS_URL=" + services.url("users"),
                "-e", "ORDERS_URL=" + services.url("orders"),
                "-e", "PAYMENTS_URL=" + services.url("payments"),
                "-e", "SUMMARY_JSON=" + summary,
                root.resolve("perf/k6/smoke.js").toString()))
                .redirectErrorStream(true)
                .start();
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean finished = process.waitFor(2, TimeUnit.MINUTES);
        Files.writeString(output, log);
        assertThat("k6 smoke finished in time", finished, is(true));
        assertThat("k6 smoke exit code (99 = a threshold failed); output:\n" + log, process.exitValue(), is(0));

        // a script error ends the iteration early and would pass `checks: rate==1.0` with fewer checks run
        JsonPath checks = JsonPath.from(summary.toFile());
        assertThat("checks that ran; output:\n" + log, checks.getInt("metrics.checks.values.passes"), is(SMOKE_CHECKS));
        assertThat("failed checks; output:\n" + log, checks.getInt("metrics.checks.values.fails"), is(0));
    }
}
