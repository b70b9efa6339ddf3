package io.flowlens.analytics;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class TraceComparisonTest {

    @Test
    void missingAndExtraSpansPerTrace() {
        Map<String, List<IndexedSpan>> jaeger = Map.of(
                "t1", List.of(span("t1", "a"), span("t1", "b"), span("t1", "c")),
                "t2", List.of(span("t2", "x")),
                "t3", List.of(span("t3", "y")));
        Map<String, List<IndexedSpan>> elasticsearch = Map.of(
                "t1", List.of(span("t1", "a"), span("t1", "c"), span("t1", "d")),
                "t2", List.of(span("t2", "x")),
                "t4", List.of(span("t4", "z")));

        List<TraceComparison.TraceDiff> diffs = TraceComparison.compare(jaeger, elasticsearch);

        assertThat(diffs.stream().map(TraceComparison.TraceDiff::traceId).toList(), is(List.of("t1", "t2", "t3", "t4")));
        TraceComparison.TraceDiff t1 = diffs.get(0);
        assertThat(t1.missing(), is(List.of(span("t1", "b"))));
        assertThat(t1.extra(), is(List.of(span("t1", "d"))));
        assertThat(t1.consistent(), is(false));
        assertThat(diffs.get(1).consistent(), is(true));
        assertThat(diffs.get(2).missing().size(), is(1));
        assertThat(diffs.get(2).elasticsearchSpans(), is(0));
        assertThat(diffs.get(3).extra().size(), is(1));
        assertThat(diffs.get(3).jaegerSpans(), is(0));
    }

    @Test
    void aSpanIndexedTwiceIsNotConsistentEvenWithNothingMissing() {
        TraceComparison.TraceDiff diff = TraceComparison.compare(Map.of("t", List.of(span("t", "a"))),
                Map.of("t", List.of(span("t", "a"), span("t", "a")))).get(0);
        assertThat(diff.missing().isEmpty() && diff.extra().isEmpty(), is(true));
        assertThat(diff.consistent(), is(false));
    }

    @Test
    void jaegerOtlpJsonIsReadIntoSpansByTrace() throws Exception {
        String answer = """
                {"result": {"resourceSpans": [
                  {"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "orders"}}]},
                   "scopeSpans": [{"scope": {"name": "helidon"}, "spans": [
                     {"traceId": "ABCDEF0123456789abcdef0123456789", "spanId": "00f067aa0ba902b7",
                      "parentSpanId": "1111111111111111", "name": "SELECT orders", "kind": 3,
                      "startTimeUnixNano": "1740823200000000000", "endTimeUnixNano": "1740823200012500000",
                      "attributes": [{"key": "db.system", "value": {"stringValue": "h2"}}],
                      "status": {"code": 2}},
                     {"traceId": "abcdef0123456789abcdef0123456789", "spanId": "2222222222222222",
                      "name": "POST /orders", "kind": 2, "startTimeUnixNano": "1740823200000000000",
                      "endTimeUnixNano": "1740823200100000000", "status": {}}]}]}]}}
                """;
        Map<String, List<IndexedSpan>> traces = JaegerTraces.spans(new ObjectMapper().readTree(answer));
        assertThat(traces.keySet(), is(java.util.Set.of("abcdef0123456789abcdef0123456789")));
        List<IndexedSpan> spans = traces.get("abcdef0123456789abcdef0123456789");
        assertThat(spans.get(0), is(new IndexedSpan(Instant.parse("2025-03-01T10:00:00Z"),
                "abcdef0123456789abcdef0123456789", "00f067aa0ba902b7", "1111111111111111", "orders", "SELECT orders",
                "CLIENT", true, 12.5, "h2")));
        assertThat(spans.get(1).kind(), is("SERVER"));
        assertThat(spans.get(1).hasNoParent(), is(true));
        assertThat(spans.get(1).error(), is(false));
        assertThat(JaegerTraces.spans(new ObjectMapper().createObjectNode()), is(Map.of()));
    }

    private static IndexedSpan span(String trace, String id) {
        return new IndexedSpan(Instant.EPOCH, trace, id, "", "users", "op", "SERVER", false, 1, "");
    }
}
