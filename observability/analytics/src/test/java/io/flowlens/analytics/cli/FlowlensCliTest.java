package io.flowlens.analytics.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.helidon.config.mp.MpConfigSources;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * The command line without a backend: what is a usage error (exit 2), what is a failure (exit 1), the one-line
 * {@code flowlens:} messages, and the generated help. Nothing here reaches Elasticsearch except on port 1, where
 * nothing listens.
 */
class FlowlensCliTest {

    private static final Config CONFIG = ConfigProviderResolver.instance().getBuilder()
            .withSources(MpConfigSources.create(Map.of())).build();
    private static final String UNREACHABLE = "http://127.0.0.1:1";

    private record Run(int status, String out, String err) {
    }

    @Test
    void helpListsEveryCommandAndExitsZero() {
        for (List<String> args : List.of(List.of("help"), List.of("--help"))) {
            Run run = run(args.toArray(String[]::new));
            assertThat(run.err(), run.status(), is(0));
            for (String command : List.of("query", "analytics", "alerts", "retention")) {
                assertThat(run.out(), containsString("  " + command));
            }
        }
        Run analytics = run("analytics", "--help");
        assertThat(analytics.status(), is(0));
        for (String report : List.of("errors", "latency", "volume", "slowest", "dependencies", "business",
                "consistency")) {
            assertThat(analytics.out(), containsString("  " + report));
        }
        Run volume = run("analytics", "volume", "--help");
        assertThat(volume.out(), containsString("--interval=D"));
        assertThat(volume.out(), containsString("--window=D"));
        assertThat(volume.out(), containsString("--es=URL"));
        assertThat(run("help", "retention").out(), containsString("--days=N"));
    }

    @Test
    void usageErrorsExitTwoWithOneLine() {
        assertUsageError(run(), "missing command after 'flowlens': query, analytics, alerts, retention");
        assertUsageError(run("analytics"), "missing command after 'flowlens analytics': business, consistency, "
                + "dependencies, errors, latency, slowest, volume");
        assertUsageError(run("alerts"), "missing command after 'flowlens alerts': check");
        assertUsageError(run("nonsense"), "unknown command 'nonsense' after 'flowlens'");
        assertUsageError(run("analytics", "nonsense"), "unknown command 'nonsense' after 'flowlens analytics': business");
        assertUsageError(run("analytics", "errors", "--limit", "3"), "Unknown options: '--limit'");
        assertUsageError(run("analytics", "errors", "--window", "fortnight"),
                "'fortnight' is not a duration like 15m, 90s, 2h or 1d");
        assertUsageError(run("analytics", "errors", "--until", "yesterday"), "'yesterday' is not an ISO-8601 instant");
        assertUsageError(run("analytics", "errors", "--until", "+10000-01-01T00:00:00Z"),
                "'+10000-01-01T00:00:00Z' is not an instant from 1970 to the year 9999");
        assertUsageError(run("analytics", "errors", "--window", "99999999999999d"),
                "'99999999999999d' is longer than 3650d, the longest window");
        assertUsageError(run("analytics", "slowest", "--limit", "0"), "must be at least 1, was 0");
        assertUsageError(run("analytics", "slowest", "--limit", "many"), "'many' is not a whole number");
        assertUsageError(run("analytics", "errors", "extra"), "extra");
        assertUsageError(run("query"), "Missing required parameter: 'QUERY'");
        assertUsageError(run("query", "--kql", "duration_ms: >1000", "--es", UNREACHABLE),
                "not a KQL query this can run (KQL writes a range as 'duration_ms > n', not 'duration_ms: >n'");
        assertUsageError(run("retention"), "Missing required option: '--days=N'");
        assertUsageError(run("retention", "--days", "0"), "must be at least 1, was 0");
        assertUsageError(run("retention", "--days", "1", "--index-prefix", "spans-*"), "index prefix must be");
        assertUsageError(run("analytics", "errors", "--es", "not a url"), "Elasticsearch URL must be like");
        assertUsageError(run("analytics", "errors", "--es", UNREACHABLE + ",not a url"), "Elasticsearch URL must be like");
        assertUsageError(run("analytics", "errors", "--es", " , "), "Elasticsearch URL must be like");
        assertUsageError(run("analytics", "consistency", "--trace", "abc", "--window", "1m"),
                "--trace compares whole traces; it takes no --window or --until");
        assertUsageError(run("alerts", "check", "--password", "x"), "Unknown options: '--password'");
    }

    @Test
    void aBrokenRulesFileIsAUsageErrorNamingTheKey(@TempDir Path dir) throws Exception {
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, "rules:\n  - {name: x, type: error-rate, max-error-percnt: 5}\n");
        assertUsageError(run("alerts", "check", "--rules", rules.toString(), "--es", UNREACHABLE),
                "rules file " + rules + ", rule x: unknown key 'max-error-percnt'");
        assertUsageError(run("alerts", "check", "--rules", dir.resolve("none.yaml").toString()), "does not exist");
    }

    @Test
    void unreachableElasticsearchIsAFailureNamingTheEndpoint() {
        for (String[] args : List.of(new String[] {"analytics", "errors"}, new String[] {"query", "error: true"},
                new String[] {"alerts", "check"}, new String[] {"retention", "--days", "3"},
                new String[] {"analytics", "slowest"})) {
            String[] withEs = Stream.concat(Arrays.stream(args), Stream.of("--es", UNREACHABLE)).toArray(String[]::new);
            Run run = run(withEs);
            assertThat(String.join(" ", args) + ": " + run.err(), run.status(), is(1));
            assertThat(run.err(), startsWith("flowlens: cannot reach Elasticsearch at " + UNREACHABLE + " ("));
            assertThat(run.err(), run.err().lines().count(), is(1L));
        }
        // a cluster's nodes, comma-separated: the client tries each; the error names them all
        String cluster = UNREACHABLE + ",http://127.0.0.1:9";
        Run run = run("analytics", "errors", "--es", cluster);
        assertThat(run.err(), run.status(), is(1));
        assertThat(run.err(), startsWith("flowlens: cannot reach Elasticsearch at " + cluster + " ("));
    }

    private static void assertUsageError(Run run, String message) {
        assertThat(run.err(), run.status(), is(2));
        assertThat(run.err(), startsWith("flowlens: "));
        assertThat(run.err(), containsString(message));
        assertThat(run.err(), run.err().lines().count(), is(1L));
        assertThat(run.out(), is(""));
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            Clock clock = Clock.fixed(Instant.parse("2025-03-31T12:00:00Z"), ZoneOffset.UTC);
            status = new FlowlensCli(CONFIG, clock, outStream, errStream).run(args);
        }
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
