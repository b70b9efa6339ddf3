package io.flowlens.systemtests;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/** The full flow across four real service processes: answers, stored state, and one trace seen by all four. */
@ResourceLock(Lanes.MAIN)
class FullFlowSystemIT {

    static SystemUnderTest system;
    /** The stack's shared set on H2; {@link PostgresFullFlowSystemIT} runs the same tests on a set of its own. */
    static ServiceProcesses services;

    @BeforeAll
    static void start() {
        system = SystemUnderTest.get();
        services = system.services();
    }

    @Test
    void completedFlowConfirmsTheOrderAndIsOneTraceAcrossAllFourServices() {
        JsonPath flow = RestAssured.given().baseUri(services.url("orchestrator")).get("/demo/full-flow/1")
                .then().statusCode(200).extract().jsonPath();
        assertThat(flow.getString("outcome"), is("COMPLETED"));
        assertThat(flow.getString("order_status"), is("CONFIRMED"));
        assertThat(flow.getList("steps.name"), contains("GET_USER", "CREATE_ORDER", "AUTHORIZE_PAYMENT", "CONFIRM_ORDER"));

        // the stored state agrees with the answer (read back through the gateway)
        RestAssured.given().baseUri(services.url("orchestrator")).get("/orders/" + flow.getLong("order_id"))
                .then().statusCode(200).body("status", is("CONFIRMED")).body("payment_id", is(flow.getInt("payment_id")));
        RestAssured.given().baseUri(services.url("orchestrator")).get("/payments/" + flow.getLong("payment_id"))
                .then().statusCode(200).body("status", is("AUTHORIZED"));

        List<TraceSpan> trace = system.jaeger().awaitTrace(flow.getString("trace_id"),
                spans -> servicesOf(spans).size() == 4, Duration.ofSeconds(30));
        assertThat(servicesOf(trace), containsInAnyOrder(ServiceProcesses.SERVICES.toArray()));
        assertThat(trace.stream().allMatch(s -> s.traceId().equals(flow.getString("trace_id"))), is(true));
    }

    @Test
    void declinedPaymentCancelsTheOrder() {
        JsonPath flow = RestAssured.given().baseUri(services.url("orchestrator")).queryParam("amount", "5000.00")
                .get("/demo/full-flow/2").then().statusCode(200).extract().jsonPath();
        assertThat(flow.getString("outcome"), is("PAYMENT_DECLINED"));
        assertThat(flow.getString("decline_reason"), is("LIMIT_EXCEEDED"));
        assertThat(flow.getList("steps.name"), contains("GET_USER", "CREATE_ORDER", "AUTHORIZE_PAYMENT", "CANCEL_ORDER"));
        RestAssured.given().baseUri(services.url("orchestrator")).get("/orders/" + flow.getLong("order_id"))
                .then().statusCode(200).body("status", is("CANCELLED"));
        List<TraceSpan> trace = system.jaeger().awaitTrace(flow.getString("trace_id"),
                spans -> servicesOf(spans).size() == 4, Duration.ofSeconds(30));
        assertThat(servicesOf(trace), hasItems("orchestrator", "users", "orders", "payments"));
    }

    /** The request the original system documents, through the gateway and on the orders service itself. */
    @Test
    void theDocumentedOrderRequestIsCreatedInUsdThroughTheGatewayAndOnOrders() {
        String documented = "{\"user_id\": 1, \"amount\": 99.99}";
        for (String baseUri : List.of(services.url("orchestrator"), services.url("orders"))) {
            int id = RestAssured.given().baseUri(baseUri).contentType("application/json").body(documented)
                    .post("/orders").then().statusCode(201)
                    .body("user_id", is(1)).body("amount", is(99.99f)).body("currency", is("USD"))
                    .body("status", is("PENDING"))
                    .extract().path("id");
            RestAssured.given().baseUri(baseUri).get("/orders/" + id)
                    .then().statusCode(200).body("user_id", is(1)).body("currency", is("USD"));
        }
    }

    @Test
    void unknownUserIs404ProblemWithItsTraceId() {
        String traceId = RestAssured.given().baseUri(services.url("orchestrator")).get("/demo/full-flow/424242")
                .then().statusCode(404).contentType("application/problem+json")
                .body("detail", is("user 424242 does not exist"))
                .extract().path("trace_id");
        List<TraceSpan> trace = system.jaeger().awaitTrace(traceId,
                spans -> servicesOf(spans).containsAll(Set.of("orchestrator", "users")), Duration.ofSeconds(30));
        assertThat("no order was attempted", servicesOf(trace).contains("orders"), is(false));
    }

    /** make demo prints a flow's trace with bin/waterfall.py at once, while the services' batches are on their way. */
    @Test
    void theTerminalWaterfallOfAFlowJustFinishedShowsTheWholeTrace() throws Exception {
        String traceId = RestAssured.given().baseUri(services.url("orchestrator")).get("/demo/full-flow/1")
                .then().statusCode(200).extract().path("trace_id");
        String output = WaterfallScriptTest.run(system.root(), traceId, system.jaegerQuery());
        String summary = output.strip().lines().reduce((first, second) -> second).orElseThrow();
        List<TraceSpan> whole = system.jaeger().awaitSettled(traceId, Duration.ofSeconds(5), Duration.ofSeconds(30));
        assertThat(output, summary, startsWith(whole.size() + " spans, 4 services "));
    }

    static Set<String> servicesOf(List<TraceSpan> spans) {
        return spans.stream().map(TraceSpan::service).collect(Collectors.toSet());
    }
}
