package io.flowlens.analytics.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A plain-text table for a terminal: columns separated by at least two spaces (cells never contain two spaces in a
 * row, so scripts can split on that), numeric columns right-aligned.
 */
final class TextTable {

    private static final Pattern NUMERIC = Pattern.compile("-?[0-9]+(\\.[0-9]+)?|n/a|-");

    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    TextTable(String... headers) {
        this.headers = List.of(headers);
    }

    TextTable row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("row of " + cells.length + " cells for " + headers.size() + " columns");
        }
        List<String> row = new ArrayList<>();
        for (Object cell : cells) {
            row.add(String.valueOf(cell).replaceAll("\\s{2,}", " "));
        }
        rows.add(row);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintStream out) {
        int columns = headers.size();
        int[] widths = new int[columns];
        boolean[] numeric = new boolean[columns];
        for (int c = 0; c < columns; c++) {
            widths[c] = headers.get(c).length();
            numeric[c] = !rows.isEmpty();
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], row.get(c).length());
                numeric[c] &= NUMERIC.matcher(row.get(c)).matches();
            }
        }
        out.println(line(headers, widths, numeric));
        for (List<String> row : rows) {
            out.println(line(row, widths, numeric));
        }
    }

    private static String line(List<String> cells, int[] widths, boolean[] numeric) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            String padding = " ".repeat(widths[c] - cell.length());
            if (c > 0) {
                line.append("  ");
            }
            line.append(numeric[c] ? padding + cell : cell + (c == cells.size() - 1 ? "" : padding));
        }
        return line.toString();
    }
}
