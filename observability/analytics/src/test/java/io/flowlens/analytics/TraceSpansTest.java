package io.flowlens.analytics;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasEntry;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

class TraceSpansTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void jaegerOtlpJsonGivesAttributesEventsAndStatus() throws Exception {
        List<TraceSpans.DetailedSpan> spans = TraceSpans.fromJaeger(JSON.readTree("""
                {"result": {"resourceSpans": [{
                  "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "payments"}}]},
                  "scopeSpans": [{"spans": [
                    {"traceId": "ABC", "spanId": "S2", "parentSpanId": "S1", "name": "payments.authorize", "kind": 1,
                     "startTimeUnixNano": "1000000000", "endTimeUnixNano": "1250000000",
                     "attributes": [{"key": "flowlens.payment.id", "value": {"intValue": "9"}},
                                    {"key": "flowlens.payment.status", "value": {"stringValue": "DECLINED"}},
                                    {"key": "tags", "value": {"arrayValue": {"values": [{"stringValue": "a"},
                                                                                        {"stringValue": "b"}]}}}],
                     "events": [{"timeUnixNano": "1100000000", "name": "exception",
                                 "attributes": [{"key": "exception.stacktrace", "value": {"stringValue": "at x"}}]}],
                     "status": {"code": 2, "message": "boom"}},
                    {"traceId": "other", "spanId": "X", "name": "not this trace"}]}]}]}}"""), "abc");

        assertThat(spans, hasSize(1));
        TraceSpans.DetailedSpan span = spans.get(0);
        assertThat(span.span().service(), is("payments"));
        assertThat(span.span().kind(), is("INTERNAL"));
        assertThat(span.span().parentSpanId(), is("s1"));
        assertThat(span.span().durationMs(), is(250.0));
        assertThat(span.span().error(), is(true));
        assertThat(span.status(), is("ERROR"));
        assertThat(span.statusMessage(), is("boom"));
        assertThat(span.attributes(), hasEntry("flowlens.payment.id", "9"));
        assertThat(span.attributes(), hasEntry("tags", "a, b"));
        assertThat(span.events().get(0).name(), is("exception"));
        assertThat(span.events().get(0).time(), is(Instant.ofEpochSecond(1, 100_000_000)));
        assertThat(span.events().get(0).attributes(), hasEntry("exception.stacktrace", "at x"));
    }

    @Test
    void aSpanDocumentGivesTheSameRecordWithNestedOrDottedAttributes() throws Exception {
        TraceSpans.DetailedSpan span = TraceSpans.fromDocument(JSON.readTree("""
                {"@timestamp": "2026-12-03T06:00:00Z", "trace_id": "abc", "span_id": "s1", "service": "users",
                 "name": "SELECT users", "kind": "CLIENT", "duration_ms": 3.5, "status": "UNSET",
                 "attributes": {"db.system": "h2", "server": {"address": "localhost"}},
                 "events": [{"name": "retry", "@timestamp": "2026-12-03T06:00:01Z", "attributes": {"attempt": 2}}]}"""));

        assertThat(span.span().service(), is("users"));
        assertThat(span.attributes(), hasEntry("db.system", "h2"));
        assertThat(span.attributes(), hasEntry("server.address", "localhost"));
        assertThat(span.events().get(0).attributes(), hasEntry("attempt", "2"));
        assertThat(span.status(), is("UNSET"));
    }
}
