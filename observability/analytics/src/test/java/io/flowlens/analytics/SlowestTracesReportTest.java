package io.flowlens.analytics;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** Which span of a trace is its entry (and so gives the trace's duration in {@code analytics slowest}). */
class SlowestTracesReportTest {

    private static final Instant T = Instant.parse("2025-03-01T10:00:00Z");

    @Test
    void aSpanWithoutParentIsTheEntry() {
        IndexedSpan root = span("a", "", 0, 900);
        List<IndexedSpan> trace = List.of(span("b", "a", 1, 800), root, span("c", "b", 2, 100));
        assertThat(SlowestTracesReport.entrySpan(trace), is(Optional.of(root)));
    }

    /** The regression: a k6 request carries a traceparent, so the orchestrator's SERVER span has a (remote) parent. */
    @Test
    void aSpanWhoseParentIsInAnotherProcessIsTheEntry() {
        IndexedSpan entry = span("a", "cafe0000000000k6", 0, 900);
        List<IndexedSpan> trace = List.of(span("b", "a", 1, 800), entry, span("c", "b", 2, 100));
        assertThat(SlowestTracesReport.entrySpan(trace), is(Optional.of(entry)));
    }

    @Test
    void whenSpansWereLostTheEarliestOrphanIsTheEntry() {
        // the entry "a" never arrived: "b" and "d" both lost their parent; "b" started first
        IndexedSpan b = span("b", "a", 1, 500);
        IndexedSpan d = span("d", "a", 5, 700);
        List<IndexedSpan> trace = List.of(d, span("c", "b", 2, 100), b);
        assertThat(SlowestTracesReport.entrySpan(trace), is(Optional.of(b)));
        // at the same start, the longer one
        IndexedSpan longer = span("e", "a", 1, 600);
        assertThat(SlowestTracesReport.entrySpan(List.of(b, longer)), is(Optional.of(longer)));
    }

    @Test
    void aTraceWhoseSpansAllPointIntoACycleHasNoEntry() {
        // cannot come from a real tracer, but must not pick a span at random
        assertThat(SlowestTracesReport.entrySpan(List.of(span("a", "b", 0, 1), span("b", "a", 1, 1))),
                is(Optional.empty()));
        assertThat(SlowestTracesReport.entrySpan(List.of()), is(Optional.empty()));
    }

    private static IndexedSpan span(String id, String parent, int offsetMillis, double durationMs) {
        return new IndexedSpan(T.plusMillis(offsetMillis), "t1", id, parent, "orchestrator", "op-" + id, "SERVER",
                false, durationMs, "");
    }
}
