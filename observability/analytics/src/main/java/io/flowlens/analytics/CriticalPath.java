package io.flowlens.analytics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The critical path of a trace: the chain of work that determined when it ended, as Jaeger UI computes it. From the
 * root's end, walk back: the part of a span after its last-finishing child is the span's own work; that child is
 * where the time went before, and so on down, then back up to the parent before the child's start. Children are
 * first clipped to their parent's time (a late-finishing async child cannot extend its parent), and those starting
 * after their parent ended are left out.
 */
public final class CriticalPath {

    /** A stretch of the path: span {@code spanId} was the work that mattered from {@code startNanos} to {@code endNanos}. */
    public record Section(String spanId, long startNanos, long endNanos) {
    }

    private CriticalPath() {
    }

    /**
     * The sections of the path, latest first. The root is the parentless span (or the one whose parent is not in the
     * trace) that ends last; an empty list for no spans.
     */
    public static List<Section> of(List<IndexedSpan> spans) {
        Map<String, IndexedSpan> byId = new HashMap<>();
        spans.forEach(s -> byId.putIfAbsent(s.spanId(), s));
        Map<String, List<IndexedSpan>> children = new HashMap<>();
        List<IndexedSpan> roots = new ArrayList<>();
        for (IndexedSpan span : byId.values()) {
            if (span.hasNoParent() || !byId.containsKey(span.parentSpanId()) || span.parentSpanId().equals(span.spanId())) {
                roots.add(span);
            } else {
                children.computeIfAbsent(span.parentSpanId(), id -> new ArrayList<>()).add(span);
            }
        }
        Optional<IndexedSpan> root = roots.stream().max(Comparator.comparingLong(CriticalPath::end));
        if (root.isEmpty()) {
            return List.of();
        }
        Map<String, long[]> clipped = clip(root.get(), children);
        Map<String, String> parents = new HashMap<>();
        List<Section> path = new ArrayList<>();
        IndexedSpan current = root.get();
        long limit = clipped.get(current.spanId())[1];
        // coming back up, only children that ended by the start of the one we come from count, and none twice: the
        // children of a span are passed in falling order of their ends and the walk ends
        Set<String> visited = new HashSet<>(Set.of(current.spanId()));
        while (true) {
            Optional<IndexedSpan> last = lastFinishingChild(current, limit, visited, children, clipped);
            if (last.isPresent()) {
                long childEnd = clipped.get(last.get().spanId())[1];
                if (childEnd < limit) {
                    path.add(new Section(current.spanId(), childEnd, limit));
                }
                parents.put(last.get().spanId(), current.spanId());
                current = last.get();
                limit = childEnd;
                visited.add(current.spanId());
            } else {
                long start = clipped.get(current.spanId())[0];
                path.add(new Section(current.spanId(), start, limit));
                String parent = parents.get(current.spanId());
                if (parent == null) {
                    return path;
                }
                current = byId.get(parent);
                limit = start;
            }
        }
    }

    /** The ids of the spans with a section on the path. */
    public static Set<String> spanIds(List<Section> path) {
        Set<String> ids = new LinkedHashSet<>();
        path.forEach(section -> ids.add(section.spanId()));
        return ids;
    }

    /** Among the children within their parent's time not yet walked, the one ending last by {@code limit}. */
    private static Optional<IndexedSpan> lastFinishingChild(IndexedSpan parent, long limit, Set<String> visited,
                                                           Map<String, List<IndexedSpan>> children,
                                                           Map<String, long[]> clipped) {
        return children.getOrDefault(parent.spanId(), List.of()).stream()
                .filter(c -> clipped.containsKey(c.spanId()) && !visited.contains(c.spanId())
                        && clipped.get(c.spanId())[1] <= limit)
                .max(Comparator.comparingLong((IndexedSpan c) -> clipped.get(c.spanId())[1]));
    }

    /** [start, end] of every span reachable from the root, each within its parent's; late starters left out. */
    private static Map<String, long[]> clip(IndexedSpan root, Map<String, List<IndexedSpan>> children) {
        Map<String, long[]> clipped = new HashMap<>();
        clipped.put(root.spanId(), new long[] {start(root), end(root)});
        List<IndexedSpan> pending = new ArrayList<>(List.of(root));
        Set<String> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            IndexedSpan parent = pending.remove(pending.size() - 1);
            if (!seen.add(parent.spanId())) {
                continue;
            }
            long[] bounds = clipped.get(parent.spanId());
            for (IndexedSpan child : children.getOrDefault(parent.spanId(), List.of())) {
                if (start(child) > bounds[1]) {
                    continue;
                }
                clipped.put(child.spanId(), new long[] {Math.max(start(child), bounds[0]), Math.min(end(child), bounds[1])});
                pending.add(child);
            }
        }
        return clipped;
    }

    static long start(IndexedSpan span) {
        return span.start().getEpochSecond() * 1_000_000_000L + span.start().getNano();
    }

    static long end(IndexedSpan span) {
        return start(span) + Math.round(span.durationMs() * 1_000_000);
    }
}
