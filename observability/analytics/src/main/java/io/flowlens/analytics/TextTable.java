package io.flowlens.analytics;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A plain-text table for a terminal: columns separated by at least two spaces (cells never contain two spaces in a
 * row, so scripts can split on that), numeric columns right-aligned.
 */
public final class TextTable {

    private static final Pattern NUMERIC = Pattern.compile("-?[0-9]+(\\.[0-9]+)?|n/a|-");

    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    public TextTable(String... headers) {
        this.headers = List.of(headers);
    }

    public TextTable row(Object... cells) {
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

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    public void print(PrintStream out) {
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

    /** Milliseconds with one decimal, the precision span durations are worth reading at. */
    public static String millis(double millis) {
        return String.format(Locale.ROOT, "%.1f", millis);
    }

    /** {@code part / whole} as a percentage with two decimals, {@code n/a} when nothing was counted. */
    public static String percent(long part, long whole) {
        return whole == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", 100.0 * part / whole);
    }
}
