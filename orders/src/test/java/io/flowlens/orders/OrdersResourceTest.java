package io.flowlens.orders;

import java.time.Duration;
import java.util.List;

import io.flowlens.observability.ContractClient;
import io.flowlens.observability.StandInUsers;
import io.flowlens.observability.RecordedSpans;
import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.restassured.http.ContentType.JSON;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;

/** Every endpoint of the orders contract in-process, with users answered by {@link StandInUsers} over real HTTP. */
@HelidonTest
@AddBean(StandInUsers.class)
@AddConfig(key = "server.port", value = "18766")
@AddConfig(key = "users/mp-rest/url", value = "http://localhost:18766/fake")
class OrdersResourceTest {

    private static final String PROBLEM = "application/problem+json";

    @Inject
    private OrderStore store;

    private static int create(String amount) {
        return ContractClient.given("orders").contentType(JSON)
                .body("{\"userId\":1,\"amount\":" + amount + ",\"currency\":\"EUR\",\"description\":\"book\"}")
                .post("/orders").then().statusCode(201).extract().path("id");
    }

    @Test
    void createsAPendingOrderForAnExistingUser() {
        int id = ContractClient.given("orders").contentType(JSON)
                .body("{\"userId\":2,\"amount\":10.50,\"currency\":\"USD\"}")
                .post("/orders").then().statusCode(201)
                .header("Location", containsString("/orders/"))
                .body("status", is("PENDING")).body("userId", is(2)).body("amount", is(10.5f))
                .extract().path("id");
        ContractClient.given("orders").get("/orders/" + id).then().statusCode(200).body("currency", is("USD"));
    }

    @Test
    void unknownUserIs422AndCreatesNothing() {
        long before = store.count();
        ContractClient.given("orders").contentType(JSON).body("{\"userId\":99,\"amount\":5,\"currency\":\"EUR\"}")
                .post("/orders").then().statusCode(422).contentType(PROBLEM)
                .body("detail", is("user 99 does not exist"))
                .body("traceId", matchesPattern("[0-9a-f]{32}"));
        assertThat(store.count(), is(before));
    }

    @Test
    void invalidOrdersAre400AndCreateNothing() {
        long before = store.count();
        for (String amount : List.of("0", "-1", "1000000.01")) {
            ContractClient.givenInvalidRequest("orders").contentType(JSON)
                    .body("{\"userId\":1,\"amount\":" + amount + ",\"currency\":\"EUR\"}")
                    .post("/orders").then().statusCode(400).contentType(PROBLEM).body("violations.field", hasItem("amount"));
        }
        ContractClient.givenInvalidRequest("orders").contentType(JSON)
                .body("{\"userId\":1,\"amount\":1.005,\"currency\":\"EUR\"}")
                .post("/orders").then().statusCode(400).body("detail", containsString("two decimals"));
        ContractClient.givenInvalidRequest("orders").contentType(JSON).body("{\"userId\":1,\"amount\":1,\"currency\":\"eur\"}")
                .post("/orders").then().statusCode(400).body("violations.field", hasItem("currency"));
        ContractClient.givenInvalidRequest("orders").contentType(JSON).body("{\"amount\":1,\"currency\":\"EUR\"}")
                .post("/orders").then().statusCode(400).body("violations.field", hasItem("userId"));
        ContractClient.givenInvalidRequest("orders").contentType(JSON).body("{\"userId\":\"one\",\"amount\":1}")
                .post("/orders").then().statusCode(400).contentType(PROBLEM);
        ContractClient.givenInvalidRequest("orders").contentType(JSON).body("[")
                .post("/orders").then().statusCode(400).body("type", is("https://flowlens.io/problems/malformed-body"));
        assertThat(store.count(), is(before));
    }

    @Test
    void confirmThenPay() {
        int id = create("20.00");
        ContractClient.given("orders").contentType(JSON).body("{\"paymentId\":41}").post("/orders/" + id + "/confirm")
                .then().statusCode(200).body("status", is("CONFIRMED")).body("paymentId", is(41));
        ContractClient.given("orders").post("/orders/" + id + "/pay").then().statusCode(200).body("status", is("PAID"));
        ContractClient.given("orders").contentType(JSON).body("{\"reason\":\"too late\"}").post("/orders/" + id + "/cancel")
                .then().statusCode(409).contentType(PROBLEM).body("detail", containsString("PAID"));
    }

    @Test
    void invalidTransitionsAre409AndChangeNothing() {
        int id = create("5.00");
        ContractClient.given("orders").post("/orders/" + id + "/pay")
                .then().statusCode(409).body("type", is("https://flowlens.io/problems/conflict"));
        ContractClient.given("orders").contentType(JSON).body("{\"paymentId\":1}").post("/orders/" + id + "/confirm")
                .then().statusCode(200);
        ContractClient.given("orders").contentType(JSON).body("{\"paymentId\":2}").post("/orders/" + id + "/confirm")
                .then().statusCode(409);
        ContractClient.given("orders").get("/orders/" + id).then().body("status", is("CONFIRMED")).body("paymentId", is(1));
    }

    @Test
    void cancellingTwiceIsHarmless() {
        int id = create("7.00");
        ContractClient.given("orders").contentType(JSON).body("{\"reason\":\"payment declined\"}")
                .post("/orders/" + id + "/cancel").then().statusCode(200).body("status", is("CANCELLED"))
                .body("cancelReason", is("payment declined"));
        ContractClient.given("orders").contentType(JSON).body("{\"reason\":\"again\"}")
                .post("/orders/" + id + "/cancel").then().statusCode(200).body("cancelReason", is("payment declined"));
        ContractClient.given("orders").contentType(JSON).body("{\"paymentId\":3}").post("/orders/" + id + "/confirm")
                .then().statusCode(409);
    }

    @Test
    void unknownOrdersAre404AndBadBodiesAre400() {
        ContractClient.given("orders").get("/orders/777777").then().statusCode(404).contentType(PROBLEM);
        ContractClient.given("orders").post("/orders/777777/pay").then().statusCode(404);
        ContractClient.givenInvalidRequest("orders").get("/orders/x").then().statusCode(400);
        ContractClient.givenInvalidRequest("orders").contentType(JSON).body("{}").post("/orders/1/confirm")
                .then().statusCode(400).body("violations.field", hasItem("paymentId"));
        ContractClient.givenInvalidRequest("orders").contentType(JSON).body("{\"reason\":\"\"}").post("/orders/1/cancel")
                .then().statusCode(400).body("violations.field", hasItem("reason"));
    }

    @Test
    void createIsOneTraceThroughTheUsersClient() {
        RecordedSpans.Traceparent traceparent = RecordedSpans.traceparent();
        ContractClient.given("orders").header("traceparent", traceparent.header()).contentType(JSON)
                .body("{\"userId\":3,\"amount\":15,\"currency\":\"GBP\"}")
                .post("/orders").then().statusCode(201);
        List<SpanData> trace = RecordedSpans.awaitTrace(traceparent.traceId(), "POST /orders", Duration.ofSeconds(5));

        SpanData server = RecordedSpans.named(trace, "POST /orders");
        SpanData create = RecordedSpans.named(trace, "orders.create");
        SpanData insert = RecordedSpans.named(trace, "INSERT orders");
        SpanData usersServer = RecordedSpans.named(trace, "GET /fake/users/{userId}");
        SpanData usersClient = trace.stream().filter(s -> s.getSpanId().equals(usersServer.getParentSpanId()))
                .findFirst().orElseThrow(() -> new AssertionError("users call has no client span"));
        assertThat(create.getParentSpanId(), is(server.getSpanId()));
        assertThat(usersClient.getKind(), is(SpanKind.CLIENT));
        assertThat(usersClient.getName(), is("HTTP GET"));
        assertThat(usersClient.getParentSpanId(), is(create.getSpanId()));
        assertThat(insert.getParentSpanId(), is(create.getSpanId()));
        assertThat(insert.getAttributes().get(AttributeKey.stringKey("db.collection.name")), is("orders"));
        assertThat(create.getAttributes().get(AttributeKey.longKey("flowlens.user.id")), is(3L));
        assertThat(create.getAttributes().get(AttributeKey.longKey("flowlens.order.id")) > 0, is(true));
    }

    @Test
    void cancelIsACompensationSpan() {
        int id = create("3.00");
        RecordedSpans.Traceparent traceparent = RecordedSpans.traceparent();
        ContractClient.given("orders").header("traceparent", traceparent.header()).contentType(JSON)
                .body("{\"reason\":\"payment declined: LIMIT_EXCEEDED\"}")
                .post("/orders/" + id + "/cancel").then().statusCode(200);
        List<SpanData> trace = RecordedSpans.awaitTrace(traceparent.traceId(), "POST /orders/{orderId}/cancel",
                Duration.ofSeconds(5));
        SpanData cancel = RecordedSpans.named(trace, "orders.cancel");
        assertThat(cancel.getAttributes().get(AttributeKey.booleanKey("flowlens.compensation")), is(true));
        assertThat(cancel.getAttributes().get(AttributeKey.stringKey("flowlens.cancel.reason")),
                is("payment declined: LIMIT_EXCEEDED"));
    }
}
