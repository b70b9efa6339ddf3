package io.flowlens.systemtests;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.flowlens.analytics.cli.FlowlensCli;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * One in-process run of the {@code flowlens} CLI: exit status and what it printed. {@link #table} reads a printed
 * table back by splitting on two or more spaces, which no cell contains.
 */
record CliRun(int status, String out, String err) {

    static CliRun of(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = new FlowlensCli(ConfigProvider.getConfig(), Clock.systemUTC(), outStream, errStream).run(args);
        }
        CliRun run = new CliRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.out.println("$ flowlens " + String.join(" ", args) + "\n" + run.out() + run.err() + "(exit " + status
                + ")");
        return run;
    }

    /** The rows (cells) under the first line that starts with {@code firstHeader}, up to a blank or unindented line. */
    List<List<String>> table(String firstHeader) {
        List<String> lines = out.lines().toList();
        int header = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(firstHeader + "  ")) {
                header = i;
                break;
            }
        }
        if (header < 0) {
            throw new AssertionError("no table with column " + firstHeader + " in:\n" + out);
        }
        List<List<String>> rows = new ArrayList<>();
        for (String line : lines.subList(header + 1, lines.size())) {
            if (line.isBlank() || line.startsWith(" ")) {
                break;
            }
            rows.add(Arrays.asList(line.trim().split("\\s{2,}")));
        }
        return rows;
    }

    /** The row whose first cells are {@code key}. */
    List<String> row(String firstHeader, String... key) {
        List<String> wanted = List.of(key);
        return table(firstHeader).stream().filter(r -> r.size() >= wanted.size()
                        && r.subList(0, wanted.size()).equals(wanted)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + wanted + " in:\n" + out));
    }
}
