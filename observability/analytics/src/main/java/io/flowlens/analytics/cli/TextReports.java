package io.flowlens.analytics.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.flowlens.analytics.BusinessReport;
import io.flowlens.analytics.DependencyReport;
import io.flowlens.analytics.Figures;
import io.flowlens.analytics.IndexedSpan;
import io.flowlens.analytics.LatencyReport;
import io.flowlens.analytics.ServiceDependencies;
import io.flowlens.analytics.ServiceErrors;
import io.flowlens.analytics.SlowestTracesReport;
import io.flowlens.analytics.SpanRetention;
import io.flowlens.analytics.SpanSearch;
import io.flowlens.analytics.TimeWindow;
import io.flowlens.analytics.TraceComparison;
import io.flowlens.analytics.VolumeReport;
import io.flowlens.analytics.alerts.AlertCheck;
import io.flowlens.analytics.alerts.AlertVerdict;

/**
 * The text the CLI prints for each result of the analytics core: a heading line and a {@link TextTable}. Scripts
 * (and the system tests) read these tables back, so a column's name and order are part of the CLI's interface.
 */
final class TextReports {

    private final PrintStream out;

    TextReports(PrintStream out) {
        this.out = out;
    }

    void query(String queryText, Optional<TimeWindow> window, SpanSearch.Matches matches) {
        out.println(matches.total() + " spans match " + queryText + window.map(w -> " in window " + w)
                .orElse(" (all time)"));
        if (matches.total() == 0) {
            return;
        }
        TextTable table = new TextTable("TIME", "SERVICE", "NAME", "DURATION_MS", "STATUS_CODE", "TRACE_ID");
        for (SpanSearch.Match match : matches.newest()) {
            IndexedSpan span = match.span();
            table.row(span.start(), span.service(), span.name(), Figures.millis(span.durationMs()),
                    match.statusCode() == null ? "-" : match.statusCode(), span.traceId());
        }
        out.println("newest " + matches.newest().size() + ":");
        table.print(out);
    }

    void errors(TimeWindow window, List<ServiceErrors> services) {
        out.println("Error rate per service, all span kinds, window " + window);
        TextTable table = new TextTable("SERVICE", "SPANS", "ERRORS", "ERROR_%");
        long spans = 0;
        long errors = 0;
        for (ServiceErrors service : services) {
            table.row(service.service(), service.spans(), service.errors(),
                    Figures.percent(service.errors(), service.spans()));
            spans += service.spans();
            errors += service.errors();
        }
        table.row("(all)", spans, errors, Figures.percent(errors, spans));
        table.print(out);
    }

    void latency(TimeWindow window, List<LatencyReport.Operation> operations) {
        out.println("Latency of SERVER spans per service and operation (ms), window " + window);
        if (operations.isEmpty()) {
            out.println("no SERVER spans in the window");
            return;
        }
        TextTable table = new TextTable("SERVICE", "OPERATION", "COUNT", "P50", "P95", "P99");
        for (LatencyReport.Operation operation : operations) {
            table.row(operation.service(), operation.name(), operation.count(), millis(operation.p50()),
                    millis(operation.p95()), millis(operation.p99()));
        }
        table.print(out);
    }

    void volume(TimeWindow window, Duration interval, List<VolumeReport.Bucket> buckets) {
        out.println("Span volume per " + TimeWindow.format(interval) + " (UTC), window " + window);
        TextTable table = new TextTable("TIME", "SPANS", "REQUESTS", "ERRORS");
        long spans = 0;
        long requests = 0;
        long errors = 0;
        for (VolumeReport.Bucket bucket : buckets) {
            table.row(bucket.start(), bucket.spans(), bucket.requests(), bucket.errors());
            spans += bucket.spans();
            requests += bucket.requests();
            errors += bucket.errors();
        }
        table.row("(total)", spans, requests, errors);
        table.print(out);
    }

    void slowest(TimeWindow window, int limit, List<SlowestTracesReport.SlowTrace> traces) {
        out.println("Slowest traces (up to " + limit + ") by entry span duration, entries started in window " + window);
        if (traces.isEmpty()) {
            out.println("no entry spans in the window");
            return;
        }
        TextTable table = new TextTable("TRACE_ID", "START", "ROOT_SERVICE", "ROOT_NAME", "DURATION_MS", "SPANS",
                "ERRORS");
        for (SlowestTracesReport.SlowTrace trace : traces) {
            IndexedSpan entry = trace.entry();
            table.row(entry.traceId(), entry.start(), entry.service(), entry.name(),
                    Figures.millis(entry.durationMs()), trace.spans(), trace.errors());
        }
        table.print(out);
    }

    void dependencies(TimeWindow window, DependencyReport.Dependencies dependencies) {
        out.println("Service dependencies from CLIENT -> SERVER parent links, CLIENT spans started in window " + window);
        if (dependencies.estimated()) {
            out.printf(Locale.ROOT, "estimated from the traces whose id starts below %s, %.2f %% of them (the window "
                    + "holds more than --max-spans CLIENT and SERVER spans): counts scaled up%n",
                    dependencies.traceIdsBelow(), 100 * dependencies.traceShare());
        }
        List<ServiceDependencies.Call> calls = dependencies.calls();
        if (calls.isEmpty()) {
            out.println("no CLIENT spans in the window");
            return;
        }
        TextTable table = new TextTable("CALLER", "CALLEE", "CALLS", "ERRORS", "ERROR_%");
        for (ServiceDependencies.Call call : calls) {
            table.row(call.caller(), call.callee(), call.calls(), call.errors(),
                    Figures.percent(call.errors(), call.calls()));
        }
        table.print(out);
    }

    void business(TimeWindow window, BusinessReport.Metrics metrics) {
        out.println("Business metrics from business spans, window " + window);
        new TextTable("METRIC", "VALUE", "FROM")
                .row("user sign-ups", metrics.signups(), "successful users.register")
                .row("order completion rate %", Figures.percent(metrics.confirmed(), metrics.created()),
                        metrics.confirmed() + " successful orders.confirm / " + metrics.created()
                                + " successful orders.create")
                .row("payment success rate %", Figures.percent(metrics.authorized(), metrics.authorize()),
                        metrics.authorized() + " AUTHORIZED / " + metrics.authorize() + " payments.authorize")
                .print(out);
    }

    void consistency(String stores, String scope, List<TraceComparison.TraceDiff> diffs) {
        out.println("Consistency of " + stores + ", " + scope);
        if (diffs.isEmpty()) {
            out.println("no traces in either store");
            return;
        }
        TextTable table = new TextTable("TRACE_ID", "JAEGER_SPANS", "ES_SPANS", "MISSING_IN_ES", "EXTRA_IN_ES", "STATE");
        for (TraceComparison.TraceDiff diff : diffs) {
            table.row(diff.traceId(), diff.jaegerSpans(), diff.elasticsearchSpans(), diff.missing().size(),
                    diff.extra().size(), diff.state().label());
        }
        table.print(out);
        for (TraceComparison.TraceDiff diff : diffs) {
            if (!diff.missing().isEmpty() || !diff.extra().isEmpty()) {
                out.println();
                out.println(diff.traceId() + ":");
                diff.missing().forEach(span -> out.println("  missing in ES: " + describe(span)));
                diff.extra().forEach(span -> out.println("  extra in ES:   " + describe(span)));
            }
        }
        long consistent = diffs.stream().filter(TraceComparison.TraceDiff::consistent).count();
        out.println();
        out.println(diffs.size() + " traces compared: " + consistent + " consistent, " + (diffs.size() - consistent)
                + " not; " + diffs.stream().mapToInt(d -> d.missing().size()).sum() + " spans missing in ES, "
                + diffs.stream().mapToInt(d -> d.extra().size()).sum() + " extra in ES");
    }

    void alerts(AlertCheck.Result result) {
        out.println("Alert rules from " + result.source() + ", over " + result.indexPattern() + ", windows ending "
                + result.until());
        TextTable table = new TextTable("STATE", "RULE", "WHY");
        for (AlertVerdict verdict : result.verdicts()) {
            table.row(verdict.firing() ? "FIRING" : "ok", verdict.rule(), verdict.why());
        }
        table.print(out);
        for (AlertVerdict verdict : result.verdicts()) {
            if (verdict.firing() && !verdict.details().isEmpty()) {
                out.println();
                out.println(verdict.rule() + ":");
                verdict.details().forEach(line -> out.println("  " + line));
            }
        }
        out.println();
        out.println(result.firing() + " of " + result.verdicts().size() + " rules firing");
    }

    void retention(SpanRetention.Result result) {
        out.println("Retention of " + result.prefix() + "-YYYY.MM.DD: keep " + result.days() + " days, delete days "
                + "before " + result.oldestKept() + " (UTC)" + (result.dryRun() ? "; dry run, nothing is deleted" : ""));
        if (result.decisions().isEmpty()) {
            out.println("no index matches " + result.prefix() + "-*");
        } else {
            TextTable table = new TextTable("INDEX", "DAY", "ACTION");
            for (SpanRetention.Decision decision : result.decisions()) {
                table.row(decision.index(), decision.day().map(LocalDate::toString).orElse("-"),
                        action(result.prefix(), decision.action()));
            }
            table.print(out);
        }
        long expired = result.expired();
        out.println((result.dryRun() ? expired + " indices would be deleted" : expired + " indices deleted") + ", "
                + (result.decisions().size() - expired) + " left as they are");
    }

    private static String action(String prefix, SpanRetention.Action action) {
        return switch (action) {
            case KEPT -> "kept";
            case DELETED -> "deleted";
            case WOULD_DELETE -> "would delete";
            case IGNORED -> "ignored: not " + prefix + "-YYYY.MM.DD";
        };
    }

    private static String describe(IndexedSpan span) {
        return span.service() + " " + span.kind() + " " + span.name() + " span " + span.spanId();
    }

    private static String millis(Double value) {
        return value == null ? "n/a" : Figures.millis(value);
    }
}
