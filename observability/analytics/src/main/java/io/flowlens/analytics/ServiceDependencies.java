package io.flowlens.analytics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who calls whom, derived from parent links: a CLIENT span in service A whose child is a SERVER span in service B is
 * one call A → B. A CLIENT span without such a child is a call to a database ({@code db:<db.system>}) when it carries
 * {@code db.system}, else a call whose callee left no span ({@value #UNANSWERED}: not traced, or never reached).
 * A call is an error when either side marked its span as one. An edge's p95 is of its CLIENT spans' durations (what
 * the caller waited, retries' attempts each counted), nearest rank over the calls read, so it is exact.
 */
public final class ServiceDependencies {

    /** Callee of a non-database CLIENT span that no SERVER span answered. */
    public static final String UNANSWERED = "(no server span)";

    private ServiceDependencies() {
    }

    /**
     * One edge of the map.
     *
     * @param p95Ms 95th percentile of the CLIENT spans' {@code duration_ms} (nearest rank)
     */
    public record Call(String caller, String callee, long calls, long errors, double p95Ms) {
    }

    /**
     * The calls between services (and to databases) that the spans show, with counts, errors and p95.
     *
     * @param spans CLIENT spans and the SERVER spans they caused (other kinds are ignored); the join is by
     *              {@code trace_id} and {@code span_id}, so spans of many traces can be mixed
     * @return edges sorted by caller, then callee
     */
    public static List<Call> derive(Collection<IndexedSpan> spans) {
        Map<String, IndexedSpan> serverByParent = new HashMap<>();
        for (IndexedSpan span : spans) {
            if (span.kind().equals("SERVER") && !span.hasNoParent()) {
                serverByParent.put(span.traceId() + "/" + span.parentSpanId(), span);
            }
        }
        Map<List<String>, long[]> counts = new TreeMap<>(Comparator.<List<String>, String>comparing(k -> k.get(0))
                .thenComparing(k -> k.get(1)));
        Map<List<String>, List<Double>> durations = new HashMap<>();
        for (IndexedSpan client : spans) {
            if (!client.kind().equals("CLIENT")) {
                continue;
            }
            IndexedSpan server = serverByParent.get(client.traceId() + "/" + client.spanId());
            String callee = server != null ? server.service()
                    : client.dbSystem().isEmpty() ? UNANSWERED : "db:" + client.dbSystem();
            List<String> edge = List.of(client.service(), callee);
            long[] count = counts.computeIfAbsent(edge, k -> new long[2]);
            durations.computeIfAbsent(edge, k -> new ArrayList<>()).add(client.durationMs());
            count[0]++;
            if (client.error() || (server != null && server.error())) {
                count[1]++;
            }
        }
        List<Call> calls = new ArrayList<>();
        counts.forEach((edge, count) -> calls.add(new Call(edge.get(0), edge.get(1), count[0], count[1],
                percentile(durations.get(edge), 95))));
        return calls;
    }

    /** Nearest-rank percentile: the smallest value with at least {@code percent} % of the values at or below it. */
    static double percentile(List<Double> values, int percent) {
        List<Double> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
