package io.flowlens.analytics.alerts;

import java.time.Duration;
import java.util.List;

import io.flowlens.analytics.Figures;
import io.flowlens.analytics.IndexedSpan;
import io.flowlens.analytics.TimeWindow;

/** Fires when any span took longer than {@code thresholdMs} over the window; lists the {@code show} worst. */
public record SlowSpanRule(String name, Duration window, double thresholdMs, int show) implements AlertRule {

    /**
     * Firing when any span was slower than the threshold.
     *
     * @param slowSpans how many spans were slower than the threshold
     * @param worst     the slowest of them, slowest first
     */
    public AlertVerdict evaluate(long slowSpans, List<IndexedSpan> worst) {
        String over = "over " + TimeWindow.format(window);
        if (slowSpans == 0) {
            return AlertVerdict.ok(name, "no span slower than " + Figures.number(thresholdMs) + " ms " + over);
        }
        List<String> details = worst.stream().map(s -> Figures.millis(s.durationMs()) + " ms " + s.service() + " "
                + s.name() + " trace " + s.traceId()).toList();
        return new AlertVerdict(name, true, slowSpans + " span(s) slower than " + Figures.number(thresholdMs)
                + " ms " + over + ", worst " + Figures.millis(worst.get(0).durationMs()) + " ms", details);
    }
}
