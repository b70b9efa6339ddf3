package io.flowlens.analytics;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;

class CriticalPathTest {

    private static final Instant T0 = Instant.parse("2026-12-03T06:00:00Z");
    private static final long MS = 1_000_000L;
    private static final long BASE = CriticalPath.start(span("x", "", 0, 0));

    @Test
    void theParallelChildThatEndsLastIsOnThePathAndTheOneItOverlapsIsNot() {
        List<CriticalPath.Section> path = CriticalPath.of(List.of(
                span("root", "", 0, 100), span("a", "root", 10, 40), span("b", "root", 30, 90),
                span("c", "b", 40, 60)));

        assertThat(sections(path), contains("root 90-100", "b 60-90", "c 40-60", "b 30-40", "root 0-30"));
        assertThat(CriticalPath.spanIds(path), contains("root", "b", "c"));
    }

    @Test
    void sequentialCallsAreAllOnThePathIncludingAChildThatEndsWithItsParent() {
        List<CriticalPath.Section> path = CriticalPath.of(List.of(
                span("root", "", 0, 100), span("get-user", "root", 5, 20), span("create-order", "root", 20, 50),
                span("pay", "root", 55, 100), span("insert", "pay", 60, 70)));

        assertThat(sections(path), contains("pay 70-100", "insert 60-70", "pay 55-60", "root 50-55",
                "create-order 20-50", "get-user 5-20", "root 0-5"));
    }

    @Test
    void aChildOutlivingItsParentIsClippedAndOneStartingAfterItIsLeftOut() {
        List<CriticalPath.Section> path = CriticalPath.of(List.of(
                span("root", "", 0, 100), span("async", "root", 80, 150), span("late", "root", 120, 130)));

        assertThat(sections(path), contains("async 80-100", "root 0-80"));
    }

    @Test
    void zeroLengthChildrenEndingTogetherAreWalkedOnceEach() {
        List<CriticalPath.Section> path = CriticalPath.of(List.of(
                span("root", "", 0, 100), span("x", "root", 50, 50), span("y", "root", 50, 50)));

        assertThat(CriticalPath.spanIds(path), contains("root", "x", "y"));
    }

    @Test
    void noSpansNoPath() {
        assertThat(CriticalPath.of(List.of()), is(empty()));
    }

    @Test
    void aSpanWhoseParentIsElsewhereIsTheRoot() {
        List<CriticalPath.Section> path = CriticalPath.of(List.of(
                span("entry", "callers-span", 0, 10), span("child", "entry", 2, 8)));

        assertThat(sections(path), contains("entry 8-10", "child 2-8", "entry 0-2"));
    }

    private static List<String> sections(List<CriticalPath.Section> path) {
        return path.stream().map(s -> s.spanId() + " " + (s.startNanos() - BASE) / MS + "-" + (s.endNanos() - BASE) / MS)
                .toList();
    }

    private static IndexedSpan span(String id, String parent, long startMs, long endMs) {
        return new IndexedSpan(T0.plusMillis(startMs), "t", id, parent, "svc", id, "INTERNAL", false, endMs - startMs, "");
    }
}
