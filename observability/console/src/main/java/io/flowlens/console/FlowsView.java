package io.flowlens.console;

import java.util.List;
import java.util.Locale;

import io.flowlens.analytics.FlowRuns;

/** The flows view: recent full-flow runs, newest first, as the page lists them. */
public record FlowsView(String window, String outcome, List<Row> flows) {

    /**
     * One run.
     *
     * @param outcome {@code completed}, {@code declined}, {@code compensated} or {@code failed}
     * @param retries the downstream calls the orchestrator tried again
     * @param faults  the injected faults the trace met, {@code service: fault}
     */
    public record Row(String traceId, String start, double durationMs, String outcome, String recordedOutcome,
                      Long userId, Long orderId, Long paymentId, Double amount, String currency, String detail,
                      int retries, List<String> faults) {
    }

    static FlowsView of(String window, String outcome, List<FlowRuns.FlowRun> runs) {
        return new FlowsView(window, outcome, runs.stream().map(run -> new Row(run.span().traceId(),
                run.span().start().toString(), run.span().durationMs(), run.outcome().name().toLowerCase(Locale.ROOT),
                run.recordedOutcome(), run.userId(), run.orderId(), run.paymentId(), run.amount(), run.currency(),
                run.statusMessage(), run.retries(), run.faults())).toList());
    }
}
