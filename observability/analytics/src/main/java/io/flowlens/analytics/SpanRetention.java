package io.flowlens.analytics;

import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;

import io.flowlens.exporter.elasticsearch.SpanIndex;

/**
 * {@code retention --days N}: deletes the daily span indices {@code <prefix>-YYYY.MM.DD} whose day (read from the
 * name by {@link SpanIndex#dayOf}, UTC) is more than N days before today. Deleting whole indices is the retention
 * that works everywhere, including a cluster without ILM or delete-by-query. Only names that are exactly daily index
 * names, with a real date, are candidates; each is deleted by its full name, never by a wildcard.
 */
public final class SpanRetention {

    private final SpanStore store;

    /** What happened to one index. */
    public enum Action { KEPT, DELETED, WOULD_DELETE, IGNORED }

    /** One index of {@code <prefix>-*}; {@code day} is empty when the name is not a daily index name. */
    public record Decision(String index, Optional<LocalDate> day, Action action) {
    }

    /**
     * One run: {@code oldestKept} is the first day kept, {@code decisions} one per index matching
     * {@code <prefix>-*}, sorted by name.
     */
    public record Result(String prefix, int days, LocalDate oldestKept, boolean dryRun, List<Decision> decisions) {

        public Result {
            decisions = List.copyOf(decisions);
        }

        /** Deleted, or on a dry run would have been. */
        public long expired() {
            return decisions.stream().filter(d -> d.action() == Action.DELETED || d.action() == Action.WOULD_DELETE)
                    .count();
        }
    }

    public SpanRetention(SpanStore store) {
        this.store = store;
    }

    /**
     * The indices to delete: a day before {@code today - days}. With {@code days = 30} on 2025-03-31 the index of
     * 2025-03-01 (30 days old) is kept and that of 2025-02-28 goes.
     */
    public static List<String> expired(SpanIndex index, Collection<String> indices, LocalDate today, int days) {
        LocalDate oldestKept = today.minusDays(days);
        return indices.stream()
                .filter(name -> index.dayOf(name).filter(day -> day.isBefore(oldestKept)).isPresent())
                .sorted().toList();
    }

    public Result run(LocalDate today, int days, boolean dryRun) throws IOException {
        SpanIndex index = store.index();
        SortedSet<String> indices = store.indexNames();
        List<String> expired = expired(index, indices, today, days);
        List<Decision> decisions = new ArrayList<>();
        for (String name : indices) {
            Optional<LocalDate> day = index.dayOf(name);
            Action action;
            if (day.isEmpty()) {
                action = Action.IGNORED;
            } else if (!expired.contains(name)) {
                action = Action.KEPT;
            } else if (dryRun) {
                action = Action.WOULD_DELETE;
            } else {
                store.deleteIndex(name);
                action = Action.DELETED;
            }
            decisions.add(new Decision(name, day, action));
        }
        return new Result(index.prefix(), days, today.minusDays(days), dryRun, decisions);
    }
}
