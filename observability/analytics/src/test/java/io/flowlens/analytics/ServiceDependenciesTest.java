package io.flowlens.analytics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;

class ServiceDependenciesTest {

    private static final Instant T = Instant.parse("2025-03-01T10:00:00Z");

    @Test
    void clientSpanAnsweredByServerSpanOfAnotherServiceIsOneCall() {
        List<IndexedSpan> spans = List.of(
                span("t1", "a", "", "orchestrator", "SERVER", false, ""),
                span("t1", "b", "a", "orchestrator", "CLIENT", false, ""),
                span("t1", "c", "b", "users", "SERVER", false, ""),
                span("t1", "d", "a", "orchestrator", "CLIENT", false, ""),
                span("t1", "e", "d", "orders", "SERVER", false, ""),
                span("t1", "f", "e", "orders", "CLIENT", false, ""),
                span("t1", "g", "f", "users", "SERVER", true, ""));

        assertThat(ServiceDependencies.derive(spans), contains(
                new ServiceDependencies.Call("orchestrator", "orders", 1, 0, 10.0),
                new ServiceDependencies.Call("orchestrator", "users", 1, 0, 10.0),
                new ServiceDependencies.Call("orders", "users", 1, 1, 10.0)));
    }

    @Test
    void callsAreCountedPerEdgeAcrossTracesAndAnErrorOnEitherSideCounts() {
        List<IndexedSpan> spans = List.of(
                span("t1", "b", "a", "orchestrator", "CLIENT", true, ""),
                span("t1", "c", "b", "payments", "SERVER", false, ""),
                span("t2", "b2", "a2", "orchestrator", "CLIENT", false, ""),
                span("t2", "c2", "b2", "payments", "SERVER", true, ""),
                span("t3", "b3", "a3", "orchestrator", "CLIENT", false, ""),
                span("t3", "c3", "b3", "payments", "SERVER", false, ""));

        assertThat(ServiceDependencies.derive(spans), contains(
                new ServiceDependencies.Call("orchestrator", "payments", 3, 2, 10.0)));
    }

    @Test
    void theJoinIsWithinOneTraceNotBySpanIdAlone() {
        // same span ids in two traces: the SERVER span of t2 must not answer the CLIENT span of t1
        List<IndexedSpan> spans = List.of(
                span("t1", "b", "a", "orchestrator", "CLIENT", false, ""),
                span("t2", "c", "b", "users", "SERVER", false, ""));

        assertThat(ServiceDependencies.derive(spans), contains(
                new ServiceDependencies.Call("orchestrator", ServiceDependencies.UNANSWERED, 1, 0, 10.0)));
    }

    @Test
    void databaseCallsAndUnansweredCallsHaveTheirOwnCallees() {
        List<IndexedSpan> spans = List.of(
                span("t1", "b", "a", "users", "CLIENT", false, "h2"),
                span("t1", "c", "a", "users", "CLIENT", true, "h2"),
                span("t1", "d", "a", "orchestrator", "CLIENT", true, ""));

        assertThat(ServiceDependencies.derive(spans), contains(
                new ServiceDependencies.Call("orchestrator", ServiceDependencies.UNANSWERED, 1, 1, 10.0),
                new ServiceDependencies.Call("users", "db:h2", 2, 1, 10.0)));
    }

    @Test
    void anEdgesP95IsTheNearestRankOfItsClientSpansDurations() {
        List<IndexedSpan> spans = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            spans.add(new IndexedSpan(T, "t" + i, "c", "a", "orchestrator", "GET", "CLIENT", false, i, ""));
            spans.add(new IndexedSpan(T, "t" + i, "s", "c", "users", "GET", "SERVER", false, 1, ""));
        }

        // 95 % of 40 calls is 38: the 38th smallest of 1..40 ms
        assertThat(ServiceDependencies.derive(spans), contains(
                new ServiceDependencies.Call("orchestrator", "users", 40, 0, 38.0)));
    }

    @Test
    void internalAndServerOnlySpansMakeNoEdges() {
        List<IndexedSpan> spans = List.of(
                span("t1", "a", "", "orchestrator", "SERVER", false, ""),
                span("t1", "b", "a", "orchestrator", "INTERNAL", false, ""),
                span("t1", "c", "b", "users", "SERVER", false, ""));

        assertThat(ServiceDependencies.derive(spans), is(empty()));
    }

    private static IndexedSpan span(String trace, String id, String parent, String service, String kind, boolean error,
                                    String dbSystem) {
        return new IndexedSpan(T, trace, id, parent, service, "op", kind, error, 10, dbSystem);
    }
}
