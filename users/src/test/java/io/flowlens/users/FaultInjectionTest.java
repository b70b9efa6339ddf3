package io.flowlens.users;

import java.time.Duration;
import java.util.List;

import io.flowlens.testing.ContractClient;
import io.flowlens.testing.RecordedSpans;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.restassured.http.ContentType.JSON;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

/** Named faults switched through /admin/faults (contract admin.yaml), and the spans they mark. */
@HelidonTest
@AddConfig(key = "flowlens.admin.token", value = "test-admin-token")
class FaultInjectionTest {

    private static final AttributeKey<String> INJECTED = AttributeKey.stringKey("flowlens.fault.injected");

    private static RequestSpecification admin() {
        return ContractClient.given("admin").header("Authorization", "Bearer test-admin-token");
    }

    private static RequestSpecification invalidAdmin() {
        return ContractClient.givenInvalidRequest("admin").header("Authorization", "Bearer test-admin-token");
    }

    @AfterEach
    void allFaultsOff() {
        for (String fault : List.of("LATENCY", "ERRORS", "SLOW_DB", "POOL_EXHAUSTION")) {
            admin().delete("/admin/faults/" + fault).then().statusCode(200);
        }
    }

    @Test
    void adminNeedsTheToken() {
        ContractClient.givenInvalidRequest("admin").get("/admin/faults").then().statusCode(401)
                .contentType("application/problem+json");
        ContractClient.givenInvalidRequest("admin").header("Authorization", "Bearer wrong").get("/admin/faults")
                .then().statusCode(401).header("WWW-Authenticate", "Bearer");
        // the token is checked before the request is: a caller without it learns nothing from a validation problem
        ContractClient.givenInvalidRequest("admin").header("Authorization", "Bearer wrong").contentType(JSON)
                .body("{\"rate\":5}").put("/admin/faults/MELTDOWN")
                .then().statusCode(401).contentType("application/problem+json").body("violations", nullValue());
        admin().get("/admin/faults").then().statusCode(200).body("name", hasItem("SLOW_DB"));
    }

    /** Every pooled connection held: statements wait out the pool timeout and answer 503; readiness says DOWN. */
    @Test
    void poolExhaustionAnswers503AndFailsReadinessUntilItIsOff() {
        admin().contentType(JSON).body("{\"enabled\":true}").put("/admin/faults/POOL_EXHAUSTION")
                .then().statusCode(200);
        RecordedSpans.Traceparent traceparent = RecordedSpans.traceparent();
        ContractClient.givenInvalidRequest("users").header("traceparent", traceparent.header()).get("/users/1")
                .then().statusCode(503).contentType("application/problem+json")
                .body("type", is("https://flowlens.io/problems/database-unavailable"));
        List<SpanData> trace = RecordedSpans.awaitTrace(traceparent.traceId(), "GET /users/{userId}", Duration.ofSeconds(10));
        SpanData select = RecordedSpans.named(trace, "SELECT users");
        assertThat(select.getAttributes().get(INJECTED), is("pool-exhaustion"));
        assertThat(select.getStatus().getStatusCode(), is(StatusCode.ERROR));
        ContractClient.givenInvalidRequest("users").get("/health/ready").then().statusCode(503);

        admin().delete("/admin/faults/POOL_EXHAUSTION").then().statusCode(200);
        ContractClient.given("users").get("/users/1").then().statusCode(200);
        ContractClient.givenInvalidRequest("users").get("/health/ready").then().statusCode(200);
    }

    @Test
    void errorsFaultAnswers500AndMarksTheSpan() {
        admin().contentType(JSON).body("{\"enabled\":true,\"rate\":1.0}").put("/admin/faults/ERRORS")
                .then().statusCode(200).body("enabled", is(true));
        RecordedSpans.Traceparent traceparent = RecordedSpans.traceparent();
        ContractClient.givenInvalidRequest("users").header("traceparent", traceparent.header()).get("/users/1")
                .then().statusCode(500).body("type", is("https://flowlens.io/problems/injected-fault"));
        List<SpanData> trace = RecordedSpans.awaitTrace(traceparent.traceId(), "GET /users/{userId}", Duration.ofSeconds(5));
        SpanData server = RecordedSpans.named(trace, "GET /users/{userId}");
        assertThat(server.getAttributes().get(INJECTED), is("errors"));
        assertThat(server.getStatus().getStatusCode(), is(StatusCode.ERROR));

        admin().delete("/admin/faults/ERRORS").then().statusCode(200).body("enabled", is(false));
        ContractClient.given("users").get("/users/1").then().statusCode(200);
    }

    @Test
    void latencyAndSlowDatabaseDelayAndMarkTheirSpans() {
        admin().contentType(JSON).body("{\"enabled\":true,\"latency_ms\":150}").put("/admin/faults/LATENCY")
                .then().statusCode(200);
        admin().contentType(JSON).body("{\"enabled\":true,\"latency_ms\":120}").put("/admin/faults/SLOW_DB")
                .then().statusCode(200);
        RecordedSpans.Traceparent traceparent = RecordedSpans.traceparent();
        ContractClient.given("users").header("traceparent", traceparent.header()).get("/users/1").then().statusCode(200);
        List<SpanData> trace = RecordedSpans.awaitTrace(traceparent.traceId(), "GET /users/{userId}", Duration.ofSeconds(5));
        SpanData server = RecordedSpans.named(trace, "GET /users/{userId}");
        SpanData select = RecordedSpans.named(trace, "SELECT users");
        assertThat(server.getAttributes().get(INJECTED), is("latency"));
        assertThat(select.getAttributes().get(INJECTED), is("slow-db"));
        // the injected waits are inside the spans that carry them
        assertThat(nanos(select), greaterThanOrEqualTo(120_000_000L));
        assertThat(nanos(server), greaterThanOrEqualTo(270_000_000L));
    }

    @Test
    void unknownFaultsAndBadSettingsAre400() {
        invalidAdmin().contentType(JSON).body("{\"enabled\":true}").put("/admin/faults/latency").then().statusCode(400)
                .body("violations.field", contains("fault"))
                .body("detail", is("fault: expected one of LATENCY, ERRORS, SLOW_DB, POOL_EXHAUSTION, found 'latency'"));
        invalidAdmin().contentType(JSON).body("{\"enabled\":true,\"rate\":2}").put("/admin/faults/ERRORS")
                .then().statusCode(400).body("violations.field", hasItem("rate"));
    }

    private static long nanos(SpanData span) {
        return span.getEndEpochNanos() - span.getStartEpochNanos();
    }
}
