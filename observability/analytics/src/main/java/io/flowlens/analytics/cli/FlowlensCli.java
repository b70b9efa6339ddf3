package io.flowlens.analytics.cli;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import io.flowlens.analytics.SpanStore;
import io.flowlens.analytics.UsageException;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code flowlens}: queries, reports, alert checks and retention over the span documents in {@code <prefix>-*}.
 * Exit status 0 on success, 1 on failure (or when an alert fires), 2 on a command line it cannot act on; every
 * error is one line on stderr starting {@code flowlens:}.
 */
@Command(name = "flowlens",
        description = "Queries, reports, alert checks and retention over the span documents in Elasticsearch.",
        footer = {"", "Exit status: 0 ok, 1 failure or an alert firing, 2 usage error.",
                "Configuration: FLOWLENS_ELASTICSEARCH_URL, _USERNAME, _PASSWORD, _CA_FILE, FLOWLENS_SPANS_INDEX_PREFIX,",
                "FLOWLENS_JAEGER_URL (MicroProfile Config; options win). See observability/analytics/README.md."})
public final class FlowlensCli implements Callable<Integer> {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private final Config config;
    private final Clock clock;
    private final PrintStream out;
    private final PrintStream err;

    @Spec
    private CommandSpec spec;

    public FlowlensCli(Config config, Clock clock, PrintStream out, PrintStream err) {
        this.config = config;
        this.clock = clock;
        this.out = out;
        this.err = err;
    }

    public static void main(String... args) {
        int status = new FlowlensCli(ConfigProvider.getConfig(), Clock.systemUTC(), System.out, System.err).run(args);
        System.out.flush();
        System.exit(status);
    }

    /** Runs one command; never throws and never exits, so tests can call it in-process. */
    public int run(String... args) {
        return commandLine().execute(args);
    }

    /** The command tree; package-private so a test can read the generated help. */
    CommandLine commandLine() {
        CliContext context = new CliContext(config, clock, out);
        CommandLine commandLine = new CommandLine(this)
                .addSubcommand(new QueryCommand(context))
                .addSubcommand(new AnalyticsCommand(context))
                .addSubcommand(new AlertsCommand(context))
                .addSubcommand(new RetentionCommand(context));
        addHelpOption(commandLine);
        commandLine.addSubcommand(new CommandLine.HelpCommand());
        // set after the subcommands are added: picocli copies these settings only to those it already has
        // in the streams' own charset (the console's, for System.out), not the JVM's default
        commandLine.setOut(new PrintWriter(new OutputStreamWriter(out, out.charset()), true));
        commandLine.setErr(new PrintWriter(new OutputStreamWriter(err, err.charset()), true));
        commandLine.setUsageHelpWidth(110);
        commandLine.setParameterExceptionHandler(this::usageError);
        commandLine.setExecutionExceptionHandler(this::failure);
        return commandLine;
    }

    /** {@code -h, --help} on every command; added here rather than inherited, which would clash with {@code help -h}. */
    private static void addHelpOption(CommandLine command) {
        command.getCommandSpec().addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("show this help").build());
        command.getSubcommands().values().forEach(FlowlensCli::addHelpOption);
    }

    /** {@code flowlens} alone names no command. */
    @Override
    public Integer call() {
        throw missingSubcommand(spec);
    }

    /** For a command that only groups others ({@code flowlens}, {@code analytics}, {@code alerts}). */
    static ParameterException missingSubcommand(CommandSpec spec) {
        return new ParameterException(spec.commandLine(), "missing command after '" + spec.qualifiedName() + "': "
                + String.join(", ", names(spec.commandLine())));
    }

    private int usageError(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        String message = e.getMessage();
        if (e instanceof UnmatchedArgumentException unmatched && !command.getSubcommands().isEmpty()
                && !unmatched.getUnmatched().isEmpty() && !unmatched.getUnmatched().get(0).startsWith("-")) {
            message = "unknown command '" + unmatched.getUnmatched().get(0) + "' after '"
                    + command.getCommandSpec().qualifiedName() + "': " + String.join(", ", names(command));
        }
        err.println("flowlens: " + message + " (see '" + command.getCommandSpec().qualifiedName() + " --help')");
        return USAGE;
    }

    private int failure(Exception e, CommandLine command, ParseResult parsed) {
        if (e instanceof UsageException) {
            err.println("flowlens: " + e.getMessage() + " (see '" + command.getCommandSpec().qualifiedName()
                    + " --help')");
            return USAGE;
        }
        if (e instanceof ElasticsearchException refused) {
            err.println("flowlens: Elasticsearch refused the request (HTTP " + refused.status() + "): "
                    + SpanStore.reason(refused.error()));
            return FAILED;
        }
        err.println("flowlens: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        return FAILED;
    }

    private static List<String> names(CommandLine command) {
        return command.getSubcommands().keySet().stream().filter(name -> !name.equals("help")).toList();
    }
}
