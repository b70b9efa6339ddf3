package io.flowlens.console;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.flowlens.analytics.CriticalPath;
import io.flowlens.analytics.IndexedSpan;
import io.flowlens.analytics.TraceSpans;

/**
 * The trace view: one row per span in tree order (each span under its parent, siblings by start), with its depth and
 * its bar as percentages of the trace's time, so the page only draws. A span whose parent is not in the trace (a
 * caller's {@code traceparent}, or a lost span) starts a tree of its own at depth 0. Each row carries its stretches of
 * the trace's critical path, which the page marks on the bar.
 *
 * @param source   {@code jaeger}, or {@code elasticsearch} when Jaeger could not answer
 * @param note     why the fallback was used; empty otherwise
 * @param services every service of the trace in order of first appearance: the page colours by this index
 */
public record WaterfallView(String traceId, String source, String note, String start, double durationMs,
                            List<String> services, List<Row> spans) {

    /**
     * One span: its bar starts at {@code offsetPercent} and is {@code widthPercent} of the trace long.
     *
     * @param critical the stretches of the bar on the trace's critical path ({@link CriticalPath}); empty when none
     */
    public record Row(String spanId, String parentSpanId, int depth, String service, String name, String kind,
                      boolean error, String status, String statusMessage, double startMs, double durationMs,
                      double offsetPercent, double widthPercent, Map<String, String> attributes,
                      List<Event> events, List<Stretch> critical) {
    }

    /** A stretch of a bar, as percentages of the trace's time. */
    public record Stretch(double offsetPercent, double widthPercent) {
    }

    /** An event, {@code atMs} after the trace's start. */
    public record Event(String name, double atMs, Map<String, String> attributes) {
    }

    static WaterfallView of(String traceId, String source, String note, List<TraceSpans.DetailedSpan> spans) {
        Instant start = spans.stream().map(s -> s.span().start()).min(Comparator.naturalOrder()).orElse(Instant.EPOCH);
        Instant end = spans.stream().map(s -> s.span().start().plusNanos((long) (s.span().durationMs() * 1_000_000)))
                .max(Comparator.naturalOrder()).orElse(start);
        double total = millis(start, end);
        Set<String> ids = new HashSet<>();
        spans.forEach(s -> ids.add(s.span().spanId()));
        Map<String, List<TraceSpans.DetailedSpan>> children = new HashMap<>();
        List<TraceSpans.DetailedSpan> roots = new ArrayList<>();
        for (TraceSpans.DetailedSpan span : spans) {
            IndexedSpan indexed = span.span();
            if (indexed.hasNoParent() || !ids.contains(indexed.parentSpanId())
                    || indexed.parentSpanId().equals(indexed.spanId())) {
                roots.add(span);
            } else {
                children.computeIfAbsent(indexed.parentSpanId(), id -> new ArrayList<>()).add(span);
            }
        }
        Map<String, List<Stretch>> critical = new HashMap<>();
        long traceStart = start.getEpochSecond() * 1_000_000_000L + start.getNano();
        for (CriticalPath.Section section : CriticalPath.of(spans.stream().map(TraceSpans.DetailedSpan::span).toList())) {
            double from = (section.startNanos() - traceStart) / 1_000_000.0;
            double length = (section.endNanos() - section.startNanos()) / 1_000_000.0;
            critical.computeIfAbsent(section.spanId(), id -> new ArrayList<>())
                    .add(new Stretch(percent(from, total), percent(length, total)));
        }
        Map<String, Integer> services = new LinkedHashMap<>();
        List<Row> rows = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        for (TraceSpans.DetailedSpan root : byStart(roots)) {
            place(root, 0, start, total, children, critical, services, rows, placed);
        }
        return new WaterfallView(traceId, source, note, start.toString(), total, List.copyOf(services.keySet()), rows);
    }

    /** Depth first; recursion is fine, a trace's nesting is a few dozen levels at most. */
    private static void place(TraceSpans.DetailedSpan span, int depth, Instant traceStart, double total,
                              Map<String, List<TraceSpans.DetailedSpan>> children,
                              Map<String, List<Stretch>> critical, Map<String, Integer> services,
                              List<Row> rows, Set<String> placed) {
        IndexedSpan s = span.span();
        if (!placed.add(s.spanId())) {
            return; // a duplicated span id (a store's duplicate) is shown once
        }
        services.putIfAbsent(s.service(), services.size());
        double startMs = millis(traceStart, s.start());
        List<Event> events = span.events().stream()
                .map(e -> new Event(e.name(), millis(traceStart, e.time()), e.attributes())).toList();
        rows.add(new Row(s.spanId(), s.parentSpanId(), depth, s.service(), s.name(), s.kind(), s.error(), span.status(),
                span.statusMessage(), startMs, s.durationMs(), percent(startMs, total),
                Math.max(percent(s.durationMs(), total), 0.0), span.attributes(), events,
                critical.getOrDefault(s.spanId(), List.of())));
        for (TraceSpans.DetailedSpan child : byStart(children.getOrDefault(s.spanId(), List.of()))) {
            place(child, depth + 1, traceStart, total, children, critical, services, rows, placed);
        }
    }

    private static List<TraceSpans.DetailedSpan> byStart(List<TraceSpans.DetailedSpan> spans) {
        return spans.stream().sorted(Comparator.comparing((TraceSpans.DetailedSpan s) -> s.span().start())
                .thenComparingDouble(s -> -s.span().durationMs())).toList();
    }

    private static double millis(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1_000_000.0;
    }

    private static double percent(double part, double whole) {
        return whole <= 0 ? 0 : Math.min(100.0, 100.0 * part / whole);
    }
}
