package io.flowlens.analytics;

import java.io.IOException;
import java.io.PrintStream;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ExpandWildcard;

/**
 * {@code retention --days N}: deletes the daily span indices {@code <prefix>-YYYY.MM.DD} whose day (from the name,
 * UTC) is more than N days before today. Deleting whole indices is the retention that works everywhere, including a
 * cluster without ILM or delete-by-query. Only names that match the pattern exactly, with a real date, are
 * candidates; each is deleted by its full name, never by a wildcard.
 */
public final class SpanRetention {

    private final ElasticsearchClient client;
    private final String prefix;

    public SpanRetention(ElasticsearchClient client, String prefix) {
        this.client = client;
        this.prefix = prefix;
    }

    /** The day in a daily index name, or empty when the name is not exactly {@code <prefix>-YYYY.MM.DD}. */
    public static Optional<LocalDate> dayOf(String prefix, String index) {
        Matcher matcher = Pattern.compile(Pattern.quote(prefix) + "-(\\d{4})\\.(\\d{2})\\.(\\d{2})").matcher(index);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.of(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
                    Integer.parseInt(matcher.group(3))));
        } catch (DateTimeException e) {
            return Optional.empty(); // 2025.13.40 looks like a date but is none: not ours to delete
        }
    }

    /**
     * The indices to delete: a day before {@code today - days}. With {@code days = 30} on 2025-03-31 the index of
     * 2025-03-01 (30 days old) is kept and that of 2025-02-28 goes.
     */
    public static List<String> expired(String prefix, Collection<String> indices, LocalDate today, int days) {
        LocalDate oldestKept = today.minusDays(days);
        return indices.stream()
                .filter(index -> dayOf(prefix, index).filter(day -> day.isBefore(oldestKept)).isPresent())
                .sorted().toList();
    }

    public void run(LocalDate today, int days, boolean dryRun, PrintStream out) throws IOException {
        TreeSet<String> indices = new TreeSet<>(client.indices().get(g -> g.index(prefix + "-*")
                .expandWildcards(ExpandWildcard.Open, ExpandWildcard.Closed)).indices().keySet());
        List<String> expired = expired(prefix, indices, today, days);
        out.println("Retention of " + prefix + "-YYYY.MM.DD: keep " + days + " days, delete days before "
                + today.minusDays(days) + " (UTC)" + (dryRun ? "; dry run, nothing is deleted" : ""));
        TextTable table = new TextTable("INDEX", "DAY", "ACTION");
        List<String> deleted = new ArrayList<>();
        for (String index : indices) {
            Optional<LocalDate> day = dayOf(prefix, index);
            String action;
            if (day.isEmpty()) {
                action = "ignored: not " + prefix + "-YYYY.MM.DD";
            } else if (!expired.contains(index)) {
                action = "kept";
            } else if (dryRun) {
                action = "would delete";
            } else {
                client.indices().delete(d -> d.index(index));
                deleted.add(index);
                action = "deleted";
            }
            table.row(index, day.map(LocalDate::toString).orElse("-"), action);
        }
        if (indices.isEmpty()) {
            out.println("no index matches " + prefix + "-*");
        } else {
            table.print(out);
        }
        out.println((dryRun ? expired.size() + " indices would be deleted" : deleted.size() + " indices deleted")
                + ", " + (indices.size() - expired.size()) + " left as they are");
    }
}
