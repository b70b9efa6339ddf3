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
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * {@code bin/bench.py report}: BENCHMARKS.md's goals table set beside the last runs' figures, its explanations, and
 * HISTORY.md's run-by-run table, rendered from what the runs recorded (benchmarks.json, history.jsonl).
 */
class BenchReportTest {

    private static final Path ROOT = Path.of(System.getProperty("flowlens.root", "..")).toAbsolutePath().normalize();

    @Test
    void goalsSitBesideTheLastThreeRunsAndHistoryCountsOnlyRunsMeasuredAsToday(@TempDir Path out) throws Exception {
        Files.writeString(out.resolve("history.jsonl"), String.join("\n",
                run("2026-12-04 22:46 UTC", "76decef", null, 5.11, 18300, 856),
                run("2026-12-06 18:23 UTC", "dbf6aa9", null, 4.34, 14000, 427),
                run("2026-12-07 22:39 UTC", "4c2527b", "[0.79, 1.41]", 5.62, 21223, 616),
                run("2026-12-08 03:00 UTC", "abc1234", "[0.8, 0.9]", 6.25, 16170, null), ""));
        Files.writeString(out.resolve("benchmarks.json"), "{\"summary\": " + summary(6.25, 16170, null) + "}");
        Files.writeString(out.resolve("BENCHMARKS.md"), String.join("\n",
                "# Flowlens benchmarks", "", "One run.", "", "## Goals (issue 15)", "",
                "| figure | measured | goal | verdict |", "|---|---|---|---|", "| an old row | 1 | ≤ 2 | met |", "",
                "Max service RSS: kept as it was.", "", "## Startup and footprint", "", "kept too.", "",
                "## Why goals are missed", "", "- an explanation of another day", ""));

        run(out);

        List<String> benchmarks = Files.readAllLines(out.resolve("BENCHMARKS.md"));
        assertThat(benchmarks, hasItem("| figure | measured | goal | verdict | last 3 runs: median (min–max), met |"));
        assertThat("the last three runs, this one among them",
                benchmarks, hasItem("| four services ready together | 6.25 s | ≤ 5 s | MISSED by 1.25 s | "
                        + "5.62 (4.34–6.25), 1 of 3 |"));
        assertThat("higher is better", benchmarks, hasItem("| spans/s indexed into Elasticsearch by the span indexer, "
                + "0 lost | 16,170 | ≥ 15,000 | met | 16,170 (14,000–21,223), 2 of 3 |"));
        assertThat("a figure this run has not got", benchmarks,
                hasItem("| `make test`, warm caches | not measured | ≤ 480 s | — | 522 (427–616), 1 of 2 |"));
        String text = String.join("\n", benchmarks);
        assertThat(text, not(containsString("an old row")));
        assertThat(text, containsString("Max service RSS: kept as it was.\n\n## Startup and footprint\n\nkept too."));
        assertThat(text, not(containsString("an explanation of another day")));
        assertThat(text, containsString("## Why goals are missed\n\n"));
        assertThat(text, containsString("- **Startup**"));

        List<String> history = Files.readAllLines(out.resolve("HISTORY.md"));
        assertThat(history, hasItem("| 2026-12-08 03:00 | abc1234 | 0.80 / 0.90 | 1.71 ✓ | 6.25 ✗ | 610 ✗ | 11.86 ✗ "
                + "| 1.02 ✓ | 0.92 ✗ | 1.03 ✓ | 228 ✗ | 16,170 ✓ |  |"));
        assertThat("a run before the loop was recorded", history, hasItem("| 2026-12-04 22:46 | 76decef |  | 1.71 ✓ "
                + "| 5.11 ✗ | 610 ✗ | 11.86 ✗ | 1.02 ✓ | 0.92 ✗ | 1.03 ✓ | 228 ✗ | 18,300 ✓ | 856 ✗ |"));
        assertThat("the 2026-12-04 run was measured before the last change of definitions, so it is not counted",
                history, hasItem("| met since 2026-12-05 22:10 | | | 3 of 3 | 1 of 3 | 0 of 3 | 0 of 3 | 3 of 3 "
                        + "| 0 of 3 | 3 of 3 | 0 of 3 | 2 of 3 | 1 of 2 |"));
    }

    /** One history.jsonl line; every figure but the varied ones as in the run of 2026-12-07 22:39. */
    private static String run(String date, String commit, String loop, double four, int spans, Integer makeTest) {
        return "{\"date\": \"" + date + "\", \"commit\": \"" + commit + "\", \"minutes\": 25.4"
                + (loop == null ? "" : ", \"machine_loop_cpu_s\": " + loop)
                + ", \"summary\": " + summary(four, spans, makeTest) + "}";
    }

    private static String summary(double four, int spans, Integer makeTest) {
        return "{\"ready_s_single\": 1.71, \"ready_s_all\": " + four + ", \"warmup_s\": 609.684, "
                + "\"cpu_ms_per_flow_off\": 11.86, \"cpu_ratio_otlp\": 1.023, \"throughput_ratio_otlp_pinned\": 0.92, "
                + "\"p99_ratio_otlp\": 1.027, \"rss_mb_max\": 228.199, \"indexer_spans_per_s\": " + spans
                + ", \"make_test_warm_s\": " + makeTest + "}";
    }

    private static void run(Path out) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("python3", ROOT.resolve("bin/bench.py").toString(), "report")
                .redirectErrorStream(true);
        builder.environment().put("BENCH_OUT", out.toString());
        builder.environment().put("BENCH_RECENT_RUNS", "3");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat("bin/bench.py report finished", process.waitFor(60, TimeUnit.SECONDS), is(true));
        assertThat("exit code; output:\n" + output, process.exitValue(), is(0));
    }
}
