package io.flowlens.console;

import java.util.List;

import io.flowlens.analytics.alerts.AlertCheck;

/** The alerts view: every rule of the rules file, firing or ok, with the numbers behind it. */
public record AlertsView(String source, String until, long firing, List<Rule> rules) {

    public record Rule(String name, boolean firing, String why, List<String> details) {
    }

    static AlertsView of(AlertCheck.Result result) {
        return new AlertsView(result.source(), result.until().toString(), result.firing(), result.verdicts().stream()
                .map(v -> new Rule(v.rule(), v.firing(), v.why(), v.details())).toList());
    }
}
