package io.flowlens.analytics;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

class FlowTraceFactsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void attemptsBeyondTheFirstPerUrlAreRetriesAndFaultsAreListedPerService() throws Exception {
        Map<String, FlowTraceFacts.Facts> facts = FlowTraceFacts.fromDocuments(List.of(
                client("t1", "http://127.0.0.1:8001/users/1"),
                client("t1", "http://127.0.0.1:8002/orders"),
                client("t1", "http://127.0.0.1:8003/payments"),
                client("t1", "http://127.0.0.1:8003/payments"),
                client("t1", "http://127.0.0.1:8003/payments"),
                client("t1", "http://127.0.0.1:8002/orders/4/confirmation"),
                document("""
                        {"trace_id": "t1", "service": "payments", "kind": "SERVER",
                         "flowlens": {"fault": {"injected": "payment-latency"}}}"""),
                document("""
                        {"trace_id": "t1", "service": "payments", "kind": "SERVER",
                         "flowlens.fault.injected": "payment-latency"}"""),
                client("t2", "http://127.0.0.1:8001/users/2"),
                document("""
                        {"trace_id": "t2", "service": "orders", "kind": "SERVER", "flowlens.fault.injected": "errors"}""")));

        assertThat(facts.get("t1").retries(), is(2));
        assertThat("one fault, named once", facts.get("t1").faults(), is(List.of("payments: payment-latency")));
        assertThat(facts.get("t2").retries(), is(0));
        assertThat(facts.get("t2").faults(), is(List.of("orders: errors")));
        assertThat(facts.get("t3"), nullValue());
    }

    @Test
    void anotherServicesRepeatedCallsAreNotTheOrchestratorsRetries() throws Exception {
        Map<String, FlowTraceFacts.Facts> facts = FlowTraceFacts.fromDocuments(List.of(
                client("t1", "http://127.0.0.1:8001/users/1"),
                document("""
                        {"trace_id": "t1", "service": "orders", "kind": "CLIENT",
                         "attributes": {"http.url": "http://127.0.0.1:8001/users/1"}}""")));

        assertThat(facts.get("t1").retries(), is(0));
    }

    private static JsonNode client(String traceId, String url) throws Exception {
        return document("{\"trace_id\": \"" + traceId + "\", \"service\": \"orchestrator\", \"kind\": \"CLIENT\", "
                + "\"attributes\": {\"http.url\": \"" + url + "\", \"http.method\": \"POST\"}}");
    }

    private static JsonNode document(String json) throws Exception {
        return JSON.readTree(json);
    }
}
