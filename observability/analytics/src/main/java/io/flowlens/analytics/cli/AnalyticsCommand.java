package io.flowlens.analytics.cli;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.flowlens.analytics.BusinessReport;
import io.flowlens.analytics.ConsistencyReport;
import io.flowlens.analytics.DependencyReport;
import io.flowlens.analytics.ErrorRateReport;
import io.flowlens.analytics.FlowlensSettings;
import io.flowlens.analytics.JaegerTraces;
import io.flowlens.analytics.LatencyReport;
import io.flowlens.analytics.SlowestTracesReport;
import io.flowlens.analytics.SpanStore;
import io.flowlens.analytics.TimeWindow;
import io.flowlens.analytics.TraceComparison;
import io.flowlens.analytics.VolumeReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code flowlens analytics <report>}: one subcommand per report, each over a window (default the last 15m). */
@Command(name = "analytics", description = "Reports over a window of span start times: [--until - --window, --until).")
final class AnalyticsCommand implements Callable<Integer> {

    private static final Duration DEFAULT_WINDOW = Duration.ofMinutes(15);
    private static final String MAX_SPANS = "most CLIENT and SERVER spans to read (default ${DEFAULT-VALUE}); fails "
            + "rather than read more";
    private static final String MAX_DEPENDENCY_SPANS = "most CLIENT and SERVER spans to read (default "
            + "${DEFAULT-VALUE}); a window with more is estimated from a sample of whole traces that fits";

    private final CliContext context;

    @Spec
    private CommandSpec spec;

    AnalyticsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        throw FlowlensCli.missingSubcommand(spec);
    }

    @Command(name = "errors", description = "Spans, error spans and error %% per service, all span kinds.")
    int errors(@Mixin CliOptions.Window window, @Mixin CliOptions.Connection connection) throws IOException {
        TimeWindow range = window.window(context.clock(), DEFAULT_WINDOW);
        try (SpanStore store = open(connection)) {
            reports().errors(range, new ErrorRateReport(store).measure(range));
        }
        return FlowlensCli.OK;
    }

    @Command(name = "latency", description = "Count and p50/p95/p99 duration_ms of SERVER spans per service and "
            + "operation.")
    int latency(@Mixin CliOptions.Window window, @Mixin CliOptions.Connection connection) throws IOException {
        TimeWindow range = window.window(context.clock(), DEFAULT_WINDOW);
        try (SpanStore store = open(connection)) {
            reports().latency(range, new LatencyReport(store).measure(range));
        }
        return FlowlensCli.OK;
    }

    @Command(name = "volume", description = "Spans, requests (SERVER spans) and errors per --interval, in UTC "
            + "buckets aligned to the epoch.")
    int volume(@Option(names = "--interval", paramLabel = "D", defaultValue = "1m",
                       converter = CliOptions.DurationConverter.class,
                       description = "bucket length (default ${DEFAULT-VALUE})") Duration interval,
               @Mixin CliOptions.Window window, @Mixin CliOptions.Connection connection) throws IOException {
        TimeWindow range = window.window(context.clock(), DEFAULT_WINDOW);
        try (SpanStore store = open(connection)) {
            reports().volume(range, interval, new VolumeReport(store).measure(range, interval));
        }
        return FlowlensCli.OK;
    }

    @Command(name = "slowest", description = {"The slowest traces by entry span duration.",
            "A trace's entry span is the one whose parent is not in the trace: none, or a caller's traceparent."})
    int slowest(@Option(names = "--limit", paramLabel = "N", defaultValue = "10",
                        converter = CliOptions.PositiveInteger.class,
                        description = "how many traces (default ${DEFAULT-VALUE})") int limit,
                @Mixin CliOptions.Window window, @Mixin CliOptions.Connection connection) throws IOException {
        TimeWindow range = window.window(context.clock(), DEFAULT_WINDOW);
        try (SpanStore store = open(connection)) {
            reports().slowest(range, limit, new SlowestTracesReport(store).measure(range, limit));
        }
        return FlowlensCli.OK;
    }

    @Command(name = "dependencies", description = "Caller -> callee calls, errors and error %% from CLIENT -> SERVER parent "
            + "links; databases as db:<db.system>.")
    int dependencies(@Option(names = "--max-spans", paramLabel = "N", defaultValue = "200000",
                             converter = CliOptions.PositiveInteger.class, description = MAX_DEPENDENCY_SPANS)
                     int maxSpans, @Mixin CliOptions.Window window, @Mixin CliOptions.Connection connection)
            throws IOException {
        TimeWindow range = window.window(context.clock(), DEFAULT_WINDOW);
        try (SpanStore store = open(connection)) {
            reports().dependencies(range, new DependencyReport(store).measure(range, maxSpans));
        }
        return FlowlensCli.OK;
    }

    @Command(name = "business", description = "User sign-ups, order completion rate and payment success rate.")
    int business(@Mixin CliOptions.Window window, @Mixin CliOptions.Connection connection) throws IOException {
        TimeWindow range = window.window(context.clock(), DEFAULT_WINDOW);
        try (SpanStore store = open(connection)) {
            reports().business(range, new BusinessReport(store).measure(range));
        }
        return FlowlensCli.OK;
    }

    @Command(name = "consistency", description = "Per trace, the spans Jaeger has and Elasticsearch lacks (missing) "
            + "and the reverse (extra). A report: exit 0 whatever it finds.")
    int consistency(@Option(names = "--jaeger", paramLabel = "URL",
                            description = "Jaeger query API (config flowlens.jaeger.url, default "
                                    + "http://127.0.0.1:16686)") String jaeger,
                    @Option(names = "--trace", paramLabel = "ID", split = ",",
                            description = "compare these traces (repeatable, or comma-separated) instead of every "
                                    + "trace of the window") List<String> traces,
                    @Option(names = "--max-spans", paramLabel = "N", defaultValue = "200000",
                            converter = CliOptions.PositiveInteger.class, description = MAX_SPANS) int maxSpans,
                    @Option(names = "--max-traces", paramLabel = "N", defaultValue = "1000",
                            converter = CliOptions.PositiveInteger.class,
                            description = "most traces of a window to compare (default ${DEFAULT-VALUE})") int maxTraces,
                    @Mixin CliOptions.Window window, @Mixin CliOptions.Connection connection) throws IOException {
        if (traces != null && window.isGiven()) {
            throw new ParameterException(spec.subcommands().get("consistency"),
                    "--trace compares whole traces; it takes no --window or --until");
        }
        FlowlensSettings settings = connection.settings(context.config(), Optional.ofNullable(jaeger));
        try (SpanStore store = SpanStore.open(settings)) {
            ConsistencyReport report = new ConsistencyReport(store, new JaegerTraces(settings.jaeger(),
                    HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()));
            List<TraceComparison.TraceDiff> diffs;
            String scope;
            if (traces != null) {
                List<String> ids = traces.stream().map(id -> id.toLowerCase(Locale.ROOT)).toList();
                diffs = report.compareTraces(ids, maxSpans);
                scope = "traces " + String.join(", ", ids);
            } else {
                TimeWindow range = window.window(context.clock(), DEFAULT_WINDOW);
                diffs = report.compareWindow(range, maxTraces, maxSpans);
                scope = "traces with spans starting in window " + range;
            }
            reports().consistency(report.describeStores(), scope, diffs);
        }
        return FlowlensCli.OK;
    }

    private SpanStore open(CliOptions.Connection connection) {
        return SpanStore.open(connection.settings(context.config()));
    }

    private TextReports reports() {
        return new TextReports(context.out());
    }
}
