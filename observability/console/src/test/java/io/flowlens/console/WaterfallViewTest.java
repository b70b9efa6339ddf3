package io.flowlens.console;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.flowlens.analytics.IndexedSpan;
import io.flowlens.analytics.TraceSpans;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

class WaterfallViewTest {

    private static final Instant T0 = Instant.parse("2026-12-03T06:00:00Z");

    @Test
    void spansAreInTreeOrderWithDepthAndBarsAsPercentOfTheTrace() {
        List<TraceSpans.DetailedSpan> spans = List.of(
                span("c2", "root", "orders", 60, 40),       // second child, listed first on purpose
                span("g1", "c1", "users", 20, 10),
                span("root", "", "orchestrator", 0, 100),
                span("c1", "root", "orchestrator", 10, 30));

        WaterfallView view = WaterfallView.of("t", "jaeger", "", spans);

        assertThat(view.spans().stream().map(WaterfallView.Row::spanId).toList(), contains("root", "c1", "g1", "c2"));
        assertThat(view.spans().stream().map(WaterfallView.Row::depth).toList(), contains(0, 1, 2, 1));
        assertThat(view.durationMs(), is(100.0));
        WaterfallView.Row c2 = view.spans().get(3);
        assertThat(c2.offsetPercent(), is(60.0));
        assertThat(c2.widthPercent(), is(40.0));
        assertThat(view.services(), contains("orchestrator", "users", "orders"));
    }

    @Test
    void theCriticalPathIsMarkedOnTheBarsOfTheSpansOnIt() {
        List<TraceSpans.DetailedSpan> spans = List.of(
                span("root", "", "orchestrator", 0, 100),
                span("fast", "root", "users", 10, 20),     // overlapped by "slow", so not on the path
                span("slow", "root", "payments", 5, 85));

        WaterfallView view = WaterfallView.of("t", "jaeger", "", spans);

        Map<String, List<WaterfallView.Stretch>> critical = new HashMap<>();
        view.spans().forEach(row -> critical.put(row.spanId(), row.critical()));
        assertThat(critical.get("root"), contains(new WaterfallView.Stretch(90.0, 10.0),
                new WaterfallView.Stretch(0.0, 5.0)));
        assertThat(critical.get("slow"), contains(new WaterfallView.Stretch(5.0, 85.0)));
        assertThat(critical.get("fast"), is(List.of()));
    }

    @Test
    void aSpanWhoseParentIsNotInTheTraceStartsATreeOfItsOwn() {
        // the entry span of a request that came with a caller's traceparent, and an orphan whose parent was lost
        List<TraceSpans.DetailedSpan> spans = List.of(
                span("entry", "caller", "orchestrator", 0, 50),
                span("orphan", "lost", "payments", 5, 5));

        WaterfallView view = WaterfallView.of("t", "jaeger", "", spans);

        assertThat(view.spans().stream().map(WaterfallView.Row::depth).toList(), contains(0, 0));
        assertThat(view.spans().size(), is(2));
    }

    @Test
    void eventsAreTimedFromTheTraceStart() {
        TraceSpans.DetailedSpan failing = new TraceSpans.DetailedSpan(
                new IndexedSpan(T0.plusMillis(10), "t", "s", "", "payments", "payments.authorize", "INTERNAL", true, 20, ""),
                Map.of("flowlens.payment.status", "DECLINED"),
                List.of(new TraceSpans.SpanEvent(T0.plusMillis(25), "exception", Map.of("exception.type", "X"))),
                "ERROR", "declined");

        WaterfallView.Row row = WaterfallView.of("t", "elasticsearch", "Jaeger down", List.of(failing)).spans().get(0);

        assertThat(row.events().get(0).atMs(), is(15.0));
        assertThat(row.attributes().get("flowlens.payment.status"), is("DECLINED"));
        assertThat(row.statusMessage(), is("declined"));
    }

    private static TraceSpans.DetailedSpan span(String id, String parent, String service, long startMs, double durationMs) {
        return new TraceSpans.DetailedSpan(new IndexedSpan(T0.plusMillis(startMs), "t", id, parent, service, "op " + id,
                "INTERNAL", false, durationMs, ""), Map.of(), List.of(), "UNSET", "");
    }
}
