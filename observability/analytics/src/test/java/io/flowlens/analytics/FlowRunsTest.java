package io.flowlens.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FlowRunsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aDeclinedFlowIsReadFromItsSpanDocument() throws Exception {
        FlowRuns.FlowRun run = FlowRuns.FlowRun.fromSource(document("""
                {"@timestamp": "2026-12-03T06:00:00Z", "trace_id": "abc", "span_id": "s1", "service": "orchestrator",
                 "name": "flow.run", "kind": "INTERNAL", "duration_ms": 42.5,
                 "flowlens.flow.outcome": "PAYMENT_DECLINED", "flowlens.user.id": 2, "flowlens.order.id": 7,
                 "flowlens.payment.id": 9, "flowlens.amount": 2500.0, "flowlens.currency": "USD"}"""));

        assertThat(run.outcome(), is(FlowRuns.Outcome.DECLINED));
        assertThat(run.recordedOutcome(), is("PAYMENT_DECLINED"));
        assertThat(run.userId(), is(2L));
        assertThat(run.orderId(), is(7L));
        assertThat(run.paymentId(), is(9L));
        assertThat(run.amount(), is(2500.0));
        assertThat(run.span().traceId(), is("abc"));
        assertThat(run.span().durationMs(), is(42.5));
    }

    @Test
    void nestedFlowlensObjectsReadTheSame() throws Exception {
        FlowRuns.FlowRun run = FlowRuns.FlowRun.fromSource(document("""
                {"trace_id": "abc", "name": "flow.run",
                 "flowlens": {"flow": {"outcome": "COMPLETED"}, "user": {"id": 1}}}"""));

        assertThat(run.outcome(), is(FlowRuns.Outcome.COMPLETED));
        assertThat(run.userId(), is(1L));
        assertThat(run.orderId(), nullValue());
    }

    @Test
    void aFlowThatThrewWasCompensatedWhenItHadCreatedAnOrderElseItFailed() throws Exception {
        FlowRuns.FlowRun compensated = FlowRuns.FlowRun.fromSource(document("""
                {"trace_id": "a", "error": true, "status_message": "payments unavailable", "flowlens.order.id": 3}"""));
        FlowRuns.FlowRun failed = FlowRuns.FlowRun.fromSource(document("""
                {"trace_id": "b", "error": true, "flowlens.user.id": 99}"""));

        assertThat(compensated.outcome(), is(FlowRuns.Outcome.COMPENSATED));
        assertThat(compensated.statusMessage(), is("payments unavailable"));
        assertThat(failed.outcome(), is(FlowRuns.Outcome.FAILED));
    }

    @Test
    void outcomeNamesParseInAnyCaseAndAnUnknownOneIsAUsageError() {
        assertThat(FlowRuns.Outcome.parse("Declined"), is(FlowRuns.Outcome.DECLINED));
        UsageException e = assertThrows(UsageException.class, () -> FlowRuns.Outcome.parse("lost"));
        assertThat(e.getMessage(), containsString("'lost' is not an outcome"));
    }

    private static JsonNode document(String json) throws Exception {
        return JSON.readTree(json);
    }
}
