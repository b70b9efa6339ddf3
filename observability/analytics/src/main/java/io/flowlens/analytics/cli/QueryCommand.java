package io.flowlens.analytics.cli;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.flowlens.analytics.SpanSearch;
import io.flowlens.analytics.SpanStore;
import io.flowlens.analytics.TimeWindow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flowlens query '<lucene query>'}, or {@code --kql '<kql query>'}. */
@Command(name = "query", description = {"Count and list the newest spans matching a Lucene query_string query, "
        + "e.g. 'service: \"orders\" AND duration_ms: >1000', or with --kql a KQL one as Kibana's saved searches "
        + "write it, e.g. 'service: \"orders\" and duration_ms > 1000'.", "All time unless --window or --until is given."})
final class QueryCommand implements Callable<Integer> {

    private static final Duration DEFAULT_WINDOW = Duration.ofMinutes(15);

    private final CliContext context;

    @Parameters(index = "0", paramLabel = "QUERY", description = "query over the span fields of FIELDS.md")
    private String query;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", converter = CliOptions.PositiveInteger.class,
            description = "how many of the newest matching spans to list (default ${DEFAULT-VALUE})")
    private int limit;

    @Option(names = "--kql", description = "the query is KQL (the console's search box and Kibana's language)")
    private boolean kql;

    @Mixin
    private CliOptions.Window window;

    @Mixin
    private CliOptions.Connection connection;

    QueryCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        Optional<TimeWindow> searched = window.isGiven()
                ? Optional.of(window.window(context.clock(), DEFAULT_WINDOW)) : Optional.empty();
        try (SpanStore store = SpanStore.open(connection.settings(context.config()))) {
            new TextReports(context.out()).query(query, searched, new SpanSearch(store).search(query,
                    kql ? SpanSearch.Language.KQL : SpanSearch.Language.LUCENE, searched, limit));
        }
        return FlowlensCli.OK;
    }
}
