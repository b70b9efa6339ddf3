package io.flowlens.systemtests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * schemathesis against each running service's served contract, every check on, a fixed seed and a bounded number of
 * examples: 0 server errors, 0 answers the contract does not allow, every invalid request rejected with a 4xx.
 */
@ResourceLock(Lanes.MAIN)
class ContractFuzzIT {

    private static final int EXAMPLES = 40;

    private static SystemUnderTest system;

    @BeforeAll
    static void start() {
        system = SystemUnderTest.get();
    }

    @ParameterizedTest
    @ValueSource(strings = {"users", "orders", "payments", "orchestrator"})
    void contractHoldsUnderFuzzing(String service) throws IOException, InterruptedException {
        Path root = system.root();
        Path schemathesis = root.resolve(".stack/venv/bin/schemathesis");
        assertThat("schemathesis is installed by bin/stack.sh install at " + schemathesis,
                Files.isExecutable(schemathesis), is(true));
        Process process = new ProcessBuilder(List.of(schemathesis.toString(), "run",
                system.services().url(service) + "/openapi",
                "--checks", "all", "--max-examples", String.valueOf(EXAMPLES), "--seed", "20261124",
                "--generation-database", "none", "--warnings", "off"))
                .directory(root.toFile()) // picks up schemathesis.toml
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        Files.writeString(root.resolve("system-tests/target/schemathesis-" + service + ".txt"), output);
        assertThat("schemathesis finished in time", finished, is(true));
        assertThat("schemathesis exit code for " + service + ":\n" + output, process.exitValue(), is(0));
        assertThat(output, containsString("passed"));
    }
}
