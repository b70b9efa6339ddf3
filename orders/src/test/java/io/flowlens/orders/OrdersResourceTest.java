package io.flowlens.orders;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.flowlens.testing.ContractClient;
import io.flowlens.testing.RecordedSpans;
import io.flowlens.testing.StandInUsers;
import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.flowlens.testing.ProblemAnswer.problem;
import static io.restassured.http.ContentType.JSON;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/**
 * Every endpoint of the orders contract in-process, with users answered by {@link StandInUsers} (users 1 to 3) over
 * real HTTP: the generated users client calls this same server, on a fixed port so its URL is known before start.
 */
@HelidonTest
@AddBean(StandInUsers.class)
@AddConfig(key = "server.port", value = "${flowlens.test.port}")
@AddConfig(key = "users/mp-rest/url", value = "http://localhost:${flowlens.test.port}/fake")
class OrdersResourceTest {

    @Inject
    private OrderStore store;

    private static int create(String amount) {
        return ContractClient.given("orders").contentType(JSON)
                .body("{\"user_id\":1,\"amount\":" + amount + ",\"currency\":\"EUR\",\"description\":\"book\"}")
                .post("/orders").then().statusCode(201).extract().path("id");
    }

    private static ExtractableResponse<Response> read(int id) {
        return ContractClient.given("orders").get("/orders/" + id).then().statusCode(200).extract();
    }

    private static void rejectCreate(String body, String type) {
        ContractClient.givenInvalidRequest("orders").contentType(JSON).body(body).post("/orders")
                .then().spec(problem(400, type));
    }

    @Test
    void createsAPendingOrderForAnExistingUser() {
        ExtractableResponse<Response> created = ContractClient.given("orders").contentType(JSON)
                .body("{\"user_id\":2,\"amount\":10.50,\"currency\":\"USD\",\"description\":\"two books\"}")
                .post("/orders").then().statusCode(201)
                .body("status", is("PENDING"))
                .body("user_id", is(2))
                .body("amount", is(10.5f))
                .body("currency", is("USD"))
                .body("description", is("two books"))
                .body("payment_id", nullValue())
                .body("cancel_reason", nullValue())
                .body("created_at", notNullValue())
                .extract();
        int id = created.path("id");
        assertThat(created.header("Location"), endsWith("/orders/" + id));
        ContractClient.given("orders").get("/orders/" + id).then().statusCode(200)
                .body("id", is(id)).body("user_id", is(2)).body("currency", is("USD")).body("status", is("PENDING"));
    }

    @Test
    void everyAnswerToAWriteReadsAsTheStoredOrder() {
        // the answers are built from what was written, not read back: two decimals and the columns' microseconds
        var created = ContractClient.given("orders").contentType(JSON)
                .body("{\"user_id\":1,\"amount\":7.5,\"currency\":\"EUR\",\"description\":\"pens\"}")
                .post("/orders").then().statusCode(201).extract();
        int id = created.path("id");
        assertThat("created", read(id).asString(), is(created.asString()));
        var confirmed = ContractClient.given("orders").contentType(JSON).body("{\"payment_id\":5}")
                .post("/orders/" + id + "/confirm").then().statusCode(200).body("payment_id", is(5)).extract();
        assertThat("confirmed", read(id).asString(), is(confirmed.asString()));
        var paid = ContractClient.given("orders").post("/orders/" + id + "/pay").then().statusCode(200)
                .body("status", is("PAID")).body("payment_id", is(5)).extract();
        assertThat("paid, the payment kept", read(id).asString(), is(paid.asString()));
        int other = create("3");
        var cancelled = ContractClient.given("orders").contentType(JSON).body("{\"reason\":\"changed my mind\"}")
                .post("/orders/" + other + "/cancel").then().statusCode(200).body("payment_id", nullValue()).extract();
        assertThat("cancelled", read(other).asString(), is(cancelled.asString()));
    }

    @Test
    void descriptionIsOptional() {
        ContractClient.given("orders").contentType(JSON).body("{\"user_id\":3,\"amount\":1,\"currency\":\"GBP\"}")
                .post("/orders").then().statusCode(201).body("description", nullValue());
    }

    @Test
    void unknownUserIs422AndCreatesNothing() {
        long before = store.count();
        ContractClient.given("orders").contentType(JSON).body("{\"user_id\":99,\"amount\":5,\"currency\":\"EUR\"}")
                .post("/orders").then().spec(problem(422, "unprocessable"))
                .body("detail", is("user 99 does not exist"))
                .body("instance", is("/orders"));
        assertThat(store.count(), is(before));
    }

    @Test
    void badAmountsAre400AndCreateNothing() {
        long before = store.count();
        for (String amount : List.of("0", "-1", "1000000.01")) {
            ContractClient.givenInvalidRequest("orders").contentType(JSON)
                    .body("{\"user_id\":1,\"amount\":" + amount + ",\"currency\":\"EUR\"}")
                    .post("/orders").then().spec(problem(400, "validation")).body("violations.field", hasItem("amount"));
        }
        ContractClient.givenInvalidRequest("orders").contentType(JSON)
                .body("{\"user_id\":1,\"amount\":1.005,\"currency\":\"EUR\"}")
                .post("/orders").then().spec(problem(400, "validation"))
                .body("detail", is("amount must have at most two decimals, was 1.005"))
                .body("violations.field", contains("amount"));
        assertThat("nothing written", store.count(), is(before));
    }

    @Test
    void theOriginalSystemsDocumentedRequestCreatesAnOrderInTheDefaultCurrency() {
        // curl -X POST http://localhost:8000/orders -H "Content-Type: application/json" -d '{"user_id": 1, "amount": 99.99}'
        int id = ContractClient.given("orders").contentType(JSON).body("{\"user_id\": 1, \"amount\": 99.99}")
                .post("/orders").then().statusCode(201)
                .body("user_id", is(1)).body("amount", is(99.99f)).body("currency", is("USD")).body("status", is("PENDING"))
                .body("created_at", notNullValue())
                .extract().path("id");
        read(id).response().then().body("currency", is("USD"));
    }

    @Test
    void badCurrenciesMissingFieldsAndLongDescriptionsAre400AndCreateNothing() {
        long before = store.count();
        for (String currency : List.of("eur", "US", "EURO")) {
            ContractClient.givenInvalidRequest("orders").contentType(JSON)
                    .body("{\"user_id\":1,\"amount\":1,\"currency\":\"" + currency + "\"}")
                    .post("/orders").then().spec(problem(400, "validation")).body("violations.field", hasItem("currency"));
        }
        ContractClient.givenInvalidRequest("orders").contentType(JSON).body("{}").post("/orders")
                .then().spec(problem(400, "validation")).body("violations.field", containsInAnyOrder("user_id", "amount"));
        ContractClient.givenInvalidRequest("orders").contentType(JSON).body("{\"user_id\":0,\"amount\":1,\"currency\":\"EUR\"}")
                .post("/orders").then().spec(problem(400, "validation")).body("violations.field", hasItem("user_id"));
        ContractClient.givenInvalidRequest("orders").contentType(JSON)
                .body("{\"user_id\":1,\"amount\":1,\"currency\":\"EUR\",\"description\":\"" + "x".repeat(201) + "\"}")
                .post("/orders").then().spec(problem(400, "validation")).body("violations.field", hasItem("description"));
        assertThat("nothing written", store.count(), is(before));
    }

    @Test
    void textLengthsCountCharactersAsTheContractDoesNotUtf16Units() {
        // maxLength counts code points; @Size counted UTF-16 units, and H2's VARCHAR(200) held 100 emoji
        String text = "\uD83D\uDE00".repeat(200);
        int id = ContractClient.given("orders").contentType(JSON)
                .body("{\"user_id\":1,\"amount\":1,\"currency\":\"EUR\",\"description\":\"" + text + "\"}")
                .post("/orders").then().statusCode(201).body("description", is(text)).extract().path("id");
        ContractClient.given("orders").contentType(JSON).body("{\"reason\":\"" + text + "\"}")
                .post("/orders/" + id + "/cancel").then().statusCode(200).body("cancel_reason", is(text));
        assertThat(read(id).path("description"), is(text));
        assertThat(read(id).path("cancel_reason"), is(text));
        long before = store.count();
        ContractClient.givenInvalidRequest("orders").contentType(JSON)
                .body("{\"user_id\":1,\"amount\":1,\"currency\":\"EUR\",\"description\":\"" + text + "x\"}")
                .post("/orders").then().spec(problem(400, "validation")).body("violations.field", hasItem("description"));
        assertThat("nothing written", store.count(), is(before));
    }

    @Test
    void malformedJsonWrongTypesAndUnknownFieldsAre400AndCreateNothing() {
        long before = store.count();
        rejectCreate("[", "malformed-body");
        rejectCreate("{\"user_id\":\"one\",\"amount\":1,\"currency\":\"EUR\"}", "malformed-body");
        rejectCreate("{\"user_id\":1.5,\"amount\":1,\"currency\":\"EUR\"}", "malformed-body");
        rejectCreate("{\"user_id\":1,\"amount\":\"1\",\"currency\":\"EUR\"}", "malformed-body");
        rejectCreate("{\"user_id\":1,\"amount\":1,\"currency\":\"EUR\",\"description\":5}", "malformed-body");
        rejectCreate("{\"user_id\":1,\"amount\":1,\"currency\":\"EUR\",\"status\":\"PAID\"}", "malformed-body");
        assertThat("nothing written", store.count(), is(before));
    }

    @Test
    void confirmThenPay() {
        int id = create("20.00");
        ContractClient.given("orders").contentType(JSON).body("{\"payment_id\":41}").post("/orders/" + id + "/confirm")
                .then().statusCode(200).body("id", is(id)).body("status", is("CONFIRMED")).body("payment_id", is(41));
        ContractClient.given("orders").post("/orders/" + id + "/pay")
                .then().statusCode(200).body("status", is("PAID")).body("payment_id", is(41));
        assertThat(read(id).path("status"), is("PAID"));
    }

    @Test
    void aPaidOrderCannotBeCancelled() {
        int id = create("20.00");
        ContractClient.given("orders").contentType(JSON).body("{\"payment_id\":42}").post("/orders/" + id + "/confirm")
                .then().statusCode(200);
        ContractClient.given("orders").post("/orders/" + id + "/pay").then().statusCode(200);
        Map<String, Object> paid = read(id).jsonPath().getMap("");
        ContractClient.given("orders").contentType(JSON).body("{\"reason\":\"too late\"}").post("/orders/" + id + "/cancel")
                .then().spec(problem(409, "conflict")).body("detail", is("order " + id + " is PAID and cannot become CANCELLED"));
        assertThat("unchanged", read(id).jsonPath().getMap(""), is(paid));
    }

    @Test
    void invalidTransitionsAre409AndChangeNothing() {
        int id = create("5.00");
        Map<String, Object> pending = read(id).jsonPath().getMap("");
        ContractClient.given("orders").post("/orders/" + id + "/pay")
                .then().spec(problem(409, "conflict")).body("detail", is("order " + id + " is PENDING and cannot become PAID"));
        assertThat("a refused pay changes nothing", read(id).jsonPath().getMap(""), is(pending));

        ContractClient.given("orders").contentType(JSON).body("{\"payment_id\":1}").post("/orders/" + id + "/confirm")
                .then().statusCode(200);
        Map<String, Object> confirmed = read(id).jsonPath().getMap("");
        ContractClient.given("orders").contentType(JSON).body("{\"payment_id\":2}").post("/orders/" + id + "/confirm")
                .then().spec(problem(409, "conflict"));
        assertThat("a second confirmation keeps the first payment", read(id).jsonPath().getMap(""), is(confirmed));
        assertThat(read(id).path("payment_id"), is(1));

        ContractClient.given("orders").post("/orders/" + id + "/pay").then().statusCode(200);
        ContractClient.given("orders").post("/orders/" + id + "/pay").then().spec(problem(409, "conflict"));
    }

    @Test
    void aConfirmedOrderCanBeCancelledAndThenNotPaid() {
        int id = create("9.00");
        ContractClient.given("orders").contentType(JSON).body("{\"payment_id\":8}").post("/orders/" + id + "/confirm")
                .then().statusCode(200);
        ContractClient.given("orders").contentType(JSON).body("{\"reason\":\"capture failed\"}")
                .post("/orders/" + id + "/cancel").then().statusCode(200)
                .body("status", is("CANCELLED")).body("cancel_reason", is("capture failed")).body("payment_id", is(8));
        ContractClient.given("orders").post("/orders/" + id + "/pay").then().spec(problem(409, "conflict"));
        assertThat(read(id).path("status"), is("CANCELLED"));
    }

    @Test
    void cancellingTwiceIsHarmless() {
        int id = create("7.00");
        ContractClient.given("orders").contentType(JSON).body("{\"reason\":\"payment declined\"}")
                .post("/orders/" + id + "/cancel").then().statusCode(200).body("status", is("CANCELLED"))
                .body("cancel_reason", is("payment declined"));
        Map<String, Object> cancelled = read(id).jsonPath().getMap("");
        Map<String, Object> again = ContractClient.given("orders").contentType(JSON).body("{\"reason\":\"again\"}")
                .post("/orders/" + id + "/cancel").then().statusCode(200).extract().jsonPath().getMap("");
        assertThat("the repeat answers the order unchanged", again, is(cancelled));
        assertThat(read(id).jsonPath().getMap(""), is(cancelled));
        ContractClient.given("orders").contentType(JSON).body("{\"payment_id\":3}").post("/orders/" + id + "/confirm")
                .then().spec(problem(409, "conflict"));
    }

    @Test
    void unknownOrdersAre404() {
        ContractClient.given("orders").get("/orders/777777")
                .then().spec(problem(404, "not-found")).body("detail", is("order 777777 does not exist"))
                .body("instance", is("/orders/777777"));
        ContractClient.given("orders").contentType(JSON).body("{\"payment_id\":1}").post("/orders/777777/confirm")
                .then().spec(problem(404, "not-found"));
        ContractClient.given("orders").post("/orders/777777/pay").then().spec(problem(404, "not-found"));
        ContractClient.given("orders").contentType(JSON).body("{\"reason\":\"x\"}").post("/orders/777777/cancel")
                .then().spec(problem(404, "not-found"));
    }

    @Test
    void badIdsAndTransitionBodiesAre400AndChangeNothing() {
        int id = create("4.00");
        Map<String, Object> pending = read(id).jsonPath().getMap("");
        ContractClient.givenInvalidRequest("orders").get("/orders/x")
                .then().spec(problem(400, "validation")).body("violations.field", contains("orderId"))
                .body("detail", is("orderId: expected an integer, found 'x'"));
        ContractClient.givenInvalidRequest("orders").get("/orders/0")
                .then().spec(problem(400, "validation")).body("violations.field", hasItem("orderId"));
        String confirm = "/orders/" + id + "/confirm";
        ContractClient.givenInvalidRequest("orders").contentType(JSON).body("null").post(confirm)
                .then().spec(problem(400, "validation")).body("violations.field", contains("body"));
        ContractClient.givenInvalidRequest("orders").contentType(JSON).body("{}").post(confirm)
                .then().spec(problem(400, "validation")).body("violations.field", hasItem("payment_id"));
        ContractClient.givenInvalidRequest("orders").contentType(JSON).body("{\"payment_id\":0}").post(confirm)
                .then().spec(problem(400, "validation")).body("violations.field", hasItem("payment_id"));
        ContractClient.givenInvalidRequest("orders").contentType(JSON).body("{\"payment_id\":\"7\"}").post(confirm)
                .then().spec(problem(400, "malformed-body"));
        String cancel = "/orders/" + id + "/cancel";
        ContractClient.givenInvalidRequest("orders").contentType(JSON).body("{\"reason\":\"\"}").post(cancel)
                .then().spec(problem(400, "validation")).body("violations.field", hasItem("reason"));
        ContractClient.givenInvalidRequest("orders").contentType(JSON).body("{}").post(cancel)
                .then().spec(problem(400, "validation")).body("violations.field", hasItem("reason"));
        ContractClient.givenInvalidRequest("orders").contentType(JSON).body("{\"reason\":\"" + "r".repeat(201) + "\"}")
                .post(cancel).then().spec(problem(400, "validation")).body("violations.field", hasItem("reason"));
        ContractClient.givenInvalidRequest("orders").contentType(JSON).body("{\"reason\":false}").post(cancel)
                .then().spec(problem(400, "malformed-body"));
        ContractClient.givenInvalidRequest("orders").contentType(JSON).body("{\"reason\":").post(cancel)
                .then().spec(problem(400, "malformed-body"));
        assertThat("the order is untouched", read(id).jsonPath().getMap(""), is(pending));
    }

    @Test
    void createIsOneTraceThroughTheUsersClient() {
        RecordedSpans.Traceparent traceparent = RecordedSpans.traceparent();
        int id = ContractClient.given("orders").header("traceparent", traceparent.header()).contentType(JSON)
                .body("{\"user_id\":3,\"amount\":15.25,\"currency\":\"GBP\"}")
                .post("/orders").then().statusCode(201).extract().path("id");
        List<SpanData> trace = RecordedSpans.awaitTrace(traceparent.traceId(), "POST /orders", Duration.ofSeconds(5));

        SpanData server = RecordedSpans.named(trace, "POST /orders");
        SpanData create = RecordedSpans.named(trace, "orders.create");
        SpanData insert = RecordedSpans.named(trace, "INSERT orders");
        // the stand-in is served under /fake; against the real users service this span is GET /users/{userId}
        SpanData usersServer = RecordedSpans.named(trace, "GET /fake/users/{userId}");
        SpanData usersClient = trace.stream().filter(s -> s.getSpanId().equals(usersServer.getParentSpanId()))
                .findFirst().orElseThrow(() -> new AssertionError("users call has no client span in this trace"));

        assertThat(server.getKind(), is(SpanKind.SERVER));
        assertThat(create.getKind(), is(SpanKind.INTERNAL));
        assertThat(create.getParentSpanId(), is(server.getSpanId()));
        // Helidon 4.1.6 names REST client spans "HTTP " + method
        assertThat(usersClient.getKind(), is(SpanKind.CLIENT));
        assertThat(usersClient.getName(), is("HTTP GET"));
        assertThat(usersClient.getParentSpanId(), is(create.getSpanId()));
        assertThat(usersServer.getKind(), is(SpanKind.SERVER));
        assertThat(insert.getKind(), is(SpanKind.CLIENT));
        // the insert is one transaction, whose span sits under the business span
        SpanData transaction = RecordedSpans.named(trace, "db.transaction");
        assertThat(insert.getParentSpanId(), is(transaction.getSpanId()));
        assertThat(transaction.getParentSpanId(), is(create.getSpanId()));
        assertThat(transaction.getAttributes().get(AttributeKey.stringKey("flowlens.db.transaction.outcome")), is("commit"));
        assertThat("the user is checked before the order is written",
                usersClient.getEndEpochNanos() <= insert.getStartEpochNanos(), is(true));
        assertThat(insert.getAttributes().get(AttributeKey.stringKey("db.system")), is("h2"));
        assertThat(insert.getAttributes().get(AttributeKey.stringKey("db.operation.name")), is("INSERT"));
        assertThat(insert.getAttributes().get(AttributeKey.stringKey("db.collection.name")), is("orders"));
        assertThat(create.getAttributes().get(AttributeKey.longKey("flowlens.user.id")), is(3L));
        assertThat(create.getAttributes().get(AttributeKey.longKey("flowlens.order.id")), is((long) id));
        assertThat(create.getAttributes().get(AttributeKey.doubleKey("flowlens.amount")), is(15.25));
        assertThat(create.getAttributes().get(AttributeKey.stringKey("flowlens.currency")), is("GBP"));
    }

    @Test
    void confirmAndPayMakeTheirBusinessSpans() {
        int id = create("6.00");
        RecordedSpans.Traceparent confirm = RecordedSpans.traceparent();
        ContractClient.given("orders").header("traceparent", confirm.header()).contentType(JSON).body("{\"payment_id\":77}")
                .post("/orders/" + id + "/confirm").then().statusCode(200);
        SpanData confirmSpan = RecordedSpans.named(RecordedSpans.awaitTrace(confirm.traceId(),
                "POST /orders/{orderId}/confirm", Duration.ofSeconds(5)), "orders.confirm");
        assertThat(confirmSpan.getAttributes().get(AttributeKey.longKey("flowlens.order.id")), is((long) id));
        assertThat(confirmSpan.getAttributes().get(AttributeKey.longKey("flowlens.payment.id")), is(77L));

        RecordedSpans.Traceparent pay = RecordedSpans.traceparent();
        ContractClient.given("orders").header("traceparent", pay.header()).post("/orders/" + id + "/pay")
                .then().statusCode(200);
        List<SpanData> payTrace = RecordedSpans.awaitTrace(pay.traceId(), "POST /orders/{orderId}/pay", Duration.ofSeconds(5));
        SpanData paySpan = RecordedSpans.named(payTrace, "orders.pay");
        assertThat(paySpan.getAttributes().get(AttributeKey.longKey("flowlens.order.id")), is((long) id));
        SpanData update = RecordedSpans.named(payTrace, "UPDATE orders");
        SpanData transaction = RecordedSpans.named(payTrace, "db.transaction");
        assertThat(update.getParentSpanId(), is(transaction.getSpanId()));
        assertThat(transaction.getParentSpanId(), is(paySpan.getSpanId()));
        assertThat(update.getAttributes().get(AttributeKey.stringKey("db.operation.name")), is("UPDATE"));
    }

    @Test
    void aRefusedTransitionIsTheCallersMistakeNotAnErrorSpan() {
        int id = create("2.00");
        RecordedSpans.Traceparent traceparent = RecordedSpans.traceparent();
        ContractClient.given("orders").header("traceparent", traceparent.header()).post("/orders/" + id + "/pay")
                .then().statusCode(409);
        List<SpanData> trace = RecordedSpans.awaitTrace(traceparent.traceId(), "POST /orders/{orderId}/pay",
                Duration.ofSeconds(5));
        SpanData pay = RecordedSpans.named(trace, "orders.pay");
        assertThat(pay.getStatus().getStatusCode(), is(not(StatusCode.ERROR)));
        assertThat(pay.getAttributes().get(AttributeKey.stringKey("error.type")), is("conflict"));
        assertThat("nothing was updated", trace.stream().noneMatch(s -> s.getName().equals("UPDATE orders")), is(true));
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
        assertThat(cancel.getParentSpanId(), is(RecordedSpans.named(trace, "POST /orders/{orderId}/cancel").getSpanId()));
        assertThat(cancel.getAttributes().get(AttributeKey.booleanKey("flowlens.compensation")), is(true));
        assertThat(cancel.getAttributes().get(AttributeKey.longKey("flowlens.order.id")), is((long) id));
        assertThat(cancel.getAttributes().get(AttributeKey.stringKey("flowlens.cancel.reason")),
                is("payment declined: LIMIT_EXCEEDED"));
        assertThat(cancel.getStatus().getStatusCode(), is(not(StatusCode.ERROR)));
    }

    @Test
    void servesItsOwnContractAndHealth() {
        ContractClient.givenInvalidRequest("orders").get("/openapi")
                .then().statusCode(200).body(containsString("title: Flowlens orders service"));
        ContractClient.givenInvalidRequest("orders").get("/health/ready")
                .then().statusCode(200).body("status", is("UP")).body("checks.name", hasItem("database"));
    }
}
