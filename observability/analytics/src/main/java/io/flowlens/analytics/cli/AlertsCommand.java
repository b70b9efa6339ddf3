package io.flowlens.analytics.cli;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.flowlens.analytics.SpanStore;
import io.flowlens.analytics.alerts.AlertCheck;
import io.flowlens.analytics.alerts.AlertRules;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flowlens alerts check}: the alert rules, each FIRING or ok; exit 1 when one fires. */
@Command(name = "alerts", description = "Alert rules as code.")
final class AlertsCommand implements Callable<Integer> {

    private final CliContext context;

    @Spec
    private CommandSpec spec;

    AlertsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        throw FlowlensCli.missingSubcommand(spec);
    }

    @Command(name = "check", description = {"Evaluate every rule, print it FIRING or ok with its numbers; exit 1 when "
            + "one fires.", "--window replaces every rule's window for this run."})
    int check(@Option(names = "--rules", paramLabel = "FILE",
                      description = "rules file (default: the built-in alert-rules.yaml)") Path rules,
              @Mixin CliOptions.Window window, @Mixin CliOptions.Connection connection) throws IOException {
        AlertRules loaded = AlertRules.load(Optional.ofNullable(rules), window.length());
        try (SpanStore store = SpanStore.open(connection.settings(context.config()))) {
            AlertCheck.Result result = new AlertCheck(store, HttpClient.newHttpClient())
                    .run(loaded, window.until(context.clock()));
            new TextReports(context.out()).alerts(result);
            return result.firing() > 0 ? FlowlensCli.FAILED : FlowlensCli.OK;
        }
    }
}
