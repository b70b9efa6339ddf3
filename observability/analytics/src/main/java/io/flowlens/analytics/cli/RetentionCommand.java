package io.flowlens.analytics.cli;

import java.io.IOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;

import io.flowlens.analytics.SpanRetention;
import io.flowlens.analytics.SpanStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code flowlens retention --days N [--dry-run]}. */
@Command(name = "retention", description = {"Delete the daily indices <prefix>-YYYY.MM.DD whose day (UTC) is before "
        + "today - N days.", "Each by its full name; names that are not daily index names are left alone."})
final class RetentionCommand implements Callable<Integer> {

    private final CliContext context;

    @Option(names = "--days", paramLabel = "N", required = true, converter = CliOptions.PositiveInteger.class,
            description = "days to keep: with 30 on 2025-03-31, 2025-03-01 stays and 2025-02-28 goes")
    private int days;

    @Option(names = "--dry-run", description = "only list what would be deleted")
    private boolean dryRun;

    @Mixin
    private CliOptions.Connection connection;

    RetentionCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        try (SpanStore store = SpanStore.open(connection.settings(context.config()))) {
            SpanRetention.Result result = new SpanRetention(store)
                    .run(LocalDate.ofInstant(context.clock().instant(), ZoneOffset.UTC), days, dryRun);
            new TextReports(context.out()).retention(result);
        }
        return FlowlensCli.OK;
    }
}
