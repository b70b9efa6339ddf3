package io.flowlens.analytics;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * {@code flowlens}: queries, reports, alert checks and retention over the span documents in {@code <prefix>-*}.
 * Exit status 0 on success, 1 on failure (or when an alert fires), 2 on a command line it cannot act on.
 */
public final class FlowlensCli {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    static final Duration DEFAULT_WINDOW = Duration.ofMinutes(15);

    static final String USAGE_TEXT = """
            usage: flowlens <command> [options]

              query '<lucene query>'      count and newest spans matching a query_string query
                                          (e.g. 'service: "orders" AND duration_ms: >1000')
                    [--window 15m] [--until T] [--limit 20]      without --window: all time
              analytics errors            spans, errors and error % per service
              analytics latency           p50/p95/p99 duration_ms of SERVER spans per service and operation
              analytics volume            spans, requests and errors per --interval (default 1m)
              analytics slowest           slowest traces by root span duration [--limit 10]
              analytics dependencies      caller -> callee calls and errors from CLIENT->SERVER links
                                          [--max-spans 200000]
              analytics business          sign-ups, order completion rate, payment success rate
              analytics consistency       per trace, spans Jaeger has and ES lacks (missing) or the reverse (extra)
                    [--jaeger URL]        Jaeger query API (config flowlens.jaeger.url, default http://127.0.0.1:16686)
                    [--trace ID[,ID]]     these traces instead of every trace of the window [--max-traces 1000]
                    every analytics report: [--window 15m] [--until T]
              alerts check                evaluate the alert rules; prints FIRING/ok per rule, exit 1 if one fires
                    [--rules FILE]        default: the built-in io/flowlens/analytics/alert-rules.yaml
                    [--window W]          every rule over W instead of the windows in the file
                    [--until T]
              retention --days N          delete daily indices <prefix>-YYYY.MM.DD dated more than N days before
                    [--dry-run]           today (UTC); other names are never touched. --dry-run: only list

            options for every command:
              --es URL             Elasticsearch (config flowlens.elasticsearch.url, default http://127.0.0.1:9200)
              --ca-file FILE       CA of Elasticsearch's TLS certificate (flowlens.elasticsearch.ca-file)
              --index-prefix P     span indices P-YYYY.MM.DD (flowlens.spans.index-prefix, default flowlens-spans)
            user and password: flowlens.elasticsearch.username / .password (or FLOWLENS_ELASTICSEARCH_USERNAME /
            _PASSWORD), never on the command line. Durations: 90s, 15m, 2h, 1d. T: ISO-8601 instant, default now.
            exit status: 0 ok, 1 failure or an alert firing, 2 usage error
            """;

    private final Config config;
    private final Clock clock;
    private final PrintStream out;
    private final PrintStream err;

    public FlowlensCli(Config config, Clock clock, PrintStream out, PrintStream err) {
        this.config = config;
        this.clock = clock;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        int status = new FlowlensCli(ConfigProvider.getConfig(), Clock.systemUTC(), System.out, System.err).run(args);
        System.out.flush();
        System.exit(status);
    }

    /** Runs one command; never throws and never exits, so tests can call it in-process. */
    public int run(String... args) {
        FlowlensSettings settings = null;
        try {
            CliArguments arguments = CliArguments.parse(args);
            if (arguments.words().isEmpty() || arguments.has("help") || arguments.words().get(0).equals("help")) {
                out.print(USAGE_TEXT);
                return arguments.words().isEmpty() && !arguments.has("help") ? USAGE : OK;
            }
            settings = FlowlensSettings.from(config, arguments);
            return dispatch(arguments, settings);
        } catch (UsageException e) {
            err.println("flowlens: " + e.getMessage());
            err.println("run 'flowlens help' for the commands and options");
            return USAGE;
        } catch (ElasticsearchException e) {
            err.println("flowlens: Elasticsearch refused the request (HTTP " + e.status() + "): " + reason(e.error()));
            return FAILED;
        } catch (IOException | RuntimeException e) {
            err.println("flowlens: " + failure(e, settings));
            return FAILED;
        }
    }

    private int dispatch(CliArguments args, FlowlensSettings settings) throws IOException {
        String command = args.word(0, "command");
        return switch (command) {
            case "query" -> {
                args.allowOnly(Set.of("window", "until", "limit"));
                String query = args.word(1, "query text, e.g. 'service: \"orders\"'");
                args.noWordsAfter(2);
                Optional<TimeWindow> window = args.has("window")
                        ? Optional.of(args.window(clock.instant(), DEFAULT_WINDOW)) : Optional.empty();
                int limit = args.positiveInt("limit", 20);
                try (SpanStore store = store(settings)) {
                    new SpanSearch(store).print(query, window, limit, out);
                } catch (ElasticsearchException e) {
                    if (e.status() == 400) {
                        // the query text is the user's: a parse error is a usage error, not a failure
                        throw new UsageException("Elasticsearch cannot run the query: " + reason(e.error()));
                    }
                    throw e;
                }
                yield OK;
            }
            case "analytics" -> analytics(args, settings);
            case "alerts" -> {
                String action = args.word(1, "'check'");
                if (!action.equals("check")) {
                    throw new UsageException("unknown alerts action '" + action + "'; only 'check'");
                }
                args.noWordsAfter(2);
                args.allowOnly(Set.of("rules", "window", "until"));
                AlertRules rules = AlertRules.load(args.option("rules").map(Path::of),
                        args.has("window") ? Optional.of(args.duration("window", DEFAULT_WINDOW)) : Optional.empty());
                try (SpanStore store = store(settings)) {
                    boolean firing = new AlertCheck(store, HttpClient.newHttpClient())
                            .run(rules, args.until(clock.instant()), out);
                    yield firing ? FAILED : OK;
                }
            }
            case "retention" -> {
                args.noWordsAfter(1);
                args.allowOnly(Set.of("days", "dry-run"));
                if (!args.has("days")) {
                    throw new UsageException("retention needs --days N (indices older than N days are deleted)");
                }
                int days = args.positiveInt("days", 0);
                ElasticsearchClient client = settings.connection().open();
                try {
                    new SpanRetention(client, settings.indexPrefix())
                            .run(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC), days, args.has("dry-run"), out);
                } finally {
                    client._transport().close();
                }
                yield OK;
            }
            default -> throw new UsageException("unknown command '" + command + "'");
        };
    }

    private int analytics(CliArguments args, FlowlensSettings settings) throws IOException {
        String report = args.word(1, "report: errors, latency, volume, slowest, dependencies, business or consistency");
        args.noWordsAfter(2);
        Set<String> options = switch (report) {
            case "errors", "latency", "business" -> Set.of("window", "until");
            case "volume" -> Set.of("window", "until", "interval");
            case "slowest" -> Set.of("window", "until", "limit");
            case "dependencies" -> Set.of("window", "until", "max-spans");
            case "consistency" -> Set.of("window", "until", "jaeger", "trace", "max-spans", "max-traces");
            default -> throw new UsageException("unknown report '" + report
                    + "'; reports: errors, latency, volume, slowest, dependencies, business, consistency");
        };
        args.allowOnly(options);
        TimeWindow window = args.window(clock.instant(), DEFAULT_WINDOW);
        Duration interval = args.duration("interval", Duration.ofMinutes(1));
        int limit = args.positiveInt("limit", 10);
        int maxSpans = args.positiveInt("max-spans", 200_000);
        try (SpanStore store = store(settings)) {
            switch (report) {
                case "errors" -> new ErrorRateReport(store).print(window, out);
                case "latency" -> new LatencyReport(store).print(window, out);
                case "volume" -> new VolumeReport(store).print(window, interval, out);
                case "slowest" -> new SlowestTracesReport(store).print(window, limit, out);
                case "dependencies" -> new DependencyReport(store).print(window, maxSpans, out);
                case "consistency" -> consistency(args, settings, store, window, maxSpans);
                default -> new BusinessReport(store).print(window, out);
            }
        }
        return OK;
    }

    private void consistency(CliArguments args, FlowlensSettings settings, SpanStore store, TimeWindow window,
                             int maxSpans) throws IOException {
        ConsistencyReport report = new ConsistencyReport(store, new JaegerTraces(settings.jaeger(),
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()));
        Optional<String> traces = args.option("trace");
        if (traces.isPresent()) {
            if (args.has("window") || args.has("until")) {
                throw new UsageException("--trace compares whole traces; it takes no --window or --until");
            }
            List<String> ids = List.of(traces.get().toLowerCase(Locale.ROOT).split(","));
            report.print(report.compareTraces(ids, maxSpans), "traces " + String.join(", ", ids), out);
        } else {
            report.print(report.compareWindow(window, args.positiveInt("max-traces", 1000), maxSpans),
                    "traces with spans starting in window " + window, out);
        }
    }

    private static SpanStore store(FlowlensSettings settings) {
        return new SpanStore(settings.connection().open(), settings.indexPattern());
    }

    /** The root cause Elasticsearch gave, e.g. the query_string parse error behind "all shards failed". */
    static String reason(ErrorCause error) {
        if (error == null) {
            return "no reason given";
        }
        ErrorCause deepest = error;
        List<ErrorCause> roots = error.rootCause();
        if (!roots.isEmpty()) {
            deepest = roots.get(0);
        }
        StringBuilder reason = new StringBuilder(deepest.type() + ": " + deepest.reason());
        for (ErrorCause cause = deepest.causedBy(); cause != null; cause = cause.causedBy()) {
            reason.append("; ").append(cause.reason());
        }
        return reason.toString();
    }

    private static String failure(Exception e, FlowlensSettings settings) {
        if (e instanceof JaegerTraces.JaegerException) {
            return e.getMessage();
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException && settings != null) {
                return "cannot reach Elasticsearch at " + settings.connection().endpoint() + " (" + cause.getMessage()
                        + ")";
            }
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
