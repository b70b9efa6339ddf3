package io.flowlens.payments;

import java.time.Duration;
import java.util.List;

import io.flowlens.testing.ContractClient;
import io.flowlens.testing.RecordedSpans;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.flowlens.testing.ProblemAnswer.problem;
import static io.restassured.http.ContentType.JSON;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** Every endpoint of the payments contract in-process, validated against the contract. */
@HelidonTest
class PaymentsResourceTest {

    @Inject
    private PaymentStore store;

    private static String body(String amount, String currency) {
        return "{\"order_id\":7,\"amount\":" + amount + ",\"currency\":\"" + currency + "\"}";
    }

    @Test
    void authorizesAndFindsThePaymentAgain() {
        int id = ContractClient.given("payments").contentType(JSON).body(body("49.99", "USD")).post("/payments")
                .then().statusCode(201)
                .body("status", is("AUTHORIZED"))
                .body("decline_reason", nullValue())
                .body("order_id", is(7))
                .body("amount", is(49.99f))
                .body("currency", is("USD"))
                .body("created_at", notNullValue())
                .extract().path("id");
        ContractClient.given("payments").contentType(JSON).body(body("1000.00", "GBP")).post("/payments")
                .then().statusCode(201).body("status", is("AUTHORIZED"));
        ContractClient.given("payments").get("/payments/" + id)
                .then().statusCode(200).body("id", is(id)).body("order_id", is(7)).body("amount", is(49.99f))
                .body("status", is("AUTHORIZED"));
    }

    @Test
    void theCreatedAnswerReadsAsTheStoredPayment() {
        // built from what was written: two decimals and microseconds, as the columns keep them
        for (String request : List.of(body("12.5", "USD"), body("7", "EUR"), body("1000.01", "USD"))) {
            var created = ContractClient.given("payments").contentType(JSON).body(request).post("/payments")
                    .then().statusCode(201).extract();
            int id = created.path("id");
            assertThat(request, ContractClient.given("payments").get("/payments/" + id).then().statusCode(200)
                    .extract().asString(), is(created.asString()));
        }
    }

    @Test
    void locationNamesTheNewPayment() {
        var created = ContractClient.given("payments").contentType(JSON).body(body("1", "EUR")).post("/payments")
                .then().statusCode(201).extract();
        int id = created.path("id");
        assertThat(created.header("Location"), endsWith("/payments/" + id));
    }

    @Test
    void declinedPaymentsAreRecordedWithTheirReason() {
        long before = store.count();
        int id = ContractClient.given("payments").contentType(JSON).body(body("1000.01", "EUR")).post("/payments")
                .then().statusCode(201).body("status", is("DECLINED")).body("decline_reason", is("LIMIT_EXCEEDED"))
                .extract().path("id");
        ContractClient.given("payments").get("/payments/" + id)
                .then().statusCode(200).body("status", is("DECLINED")).body("decline_reason", is("LIMIT_EXCEEDED"));
        // the currency rule comes first: an unsupported currency above the limit is declined for its currency
        ContractClient.given("payments").contentType(JSON).body(body("5000", "JPY")).post("/payments")
                .then().statusCode(201).body("status", is("DECLINED")).body("decline_reason", is("CURRENCY_NOT_SUPPORTED"));
        assertThat("declines are recorded too", store.count(), is(before + 2));
    }

    @Test
    void badAmountsAre400AndWriteNothing() {
        long before = store.count();
        for (String amount : List.of("0", "-5", "1000000.01")) {
            ContractClient.givenInvalidRequest("payments").contentType(JSON).body(body(amount, "USD")).post("/payments")
                    .then().spec(problem(400, "validation")).body("violations.field", hasItem("amount"));
        }
        for (String amount : List.of("1.234", "0.001", "10.0001")) {
            ContractClient.givenInvalidRequest("payments").contentType(JSON).body(body(amount, "USD")).post("/payments")
                    .then().spec(problem(400, "validation"))
                    .body("detail", is("amount must have at most two decimals, was " + amount))
                    .body("violations.field", contains("amount"));
        }
        assertThat("nothing written", store.count(), is(before));
    }

    @Test
    void trailingZerosAreNotExtraDecimals() {
        ContractClient.given("payments").contentType(JSON).body(body("12.500", "USD")).post("/payments")
                .then().statusCode(201).body("amount", is(12.5f));
    }

    @Test
    void badCurrenciesAre400AndWriteNothing() {
        long before = store.count();
        for (String currency : List.of("usd", "US", "USDX", "")) {
            ContractClient.givenInvalidRequest("payments").contentType(JSON).body(body("5", currency)).post("/payments")
                    .then().spec(problem(400, "validation")).body("violations.field", hasItem("currency"));
        }
        assertThat("nothing written", store.count(), is(before));
    }

    @Test
    void missingFieldsAre400AndWriteNothing() {
        long before = store.count();
        ContractClient.givenInvalidRequest("payments").contentType(JSON).body("{}").post("/payments")
                .then().spec(problem(400, "validation"))
                .body("violations.field", hasItems("order_id", "amount", "currency"));
        ContractClient.givenInvalidRequest("payments").contentType(JSON).body("{\"amount\":5,\"currency\":\"USD\"}")
                .post("/payments").then().spec(problem(400, "validation")).body("violations.field", hasItem("order_id"));
        ContractClient.givenInvalidRequest("payments").contentType(JSON).body("{\"order_id\":0,\"amount\":5,\"currency\":\"USD\"}")
                .post("/payments").then().spec(problem(400, "validation")).body("violations.field", hasItem("order_id"));
        // no body at all is a validation problem about the body, as a JSON null is
        ContractClient.givenInvalidRequest("payments").contentType(JSON).post("/payments")
                .then().spec(problem(400, "validation")).body("violations.field", contains("body"))
                .body("detail", is("body is required"));
        assertThat("nothing written", store.count(), is(before));
    }

    @Test
    void malformedJsonWrongTypesAndUnknownFieldsAre400AndWriteNothing() {
        long before = store.count();
        List<String> bodies = List.of(
                "{\"order_id\":7,\"amount\":",
                "[1, 2]",
                "{\"order_id\":\"7\",\"amount\":5,\"currency\":\"USD\"}",
                "{\"order_id\":7.5,\"amount\":5,\"currency\":\"USD\"}",
                "{\"order_id\":7,\"amount\":\"5\",\"currency\":\"USD\"}",
                "{\"order_id\":7,\"amount\":5,\"currency\":840}",
                "{\"order_id\":7,\"amount\":5,\"currency\":\"USD\",\"status\":\"AUTHORIZED\"}");
        for (String bad : bodies) {
            ContractClient.givenInvalidRequest("payments").contentType(JSON).body(bad).post("/payments")
                    .then().spec(problem(400, "malformed-body"));
        }
        assertThat("nothing written", store.count(), is(before));
    }

    @Test
    void unknownPaymentIs404AndBadIdsAre400() {
        ContractClient.given("payments").get("/payments/999999")
                .then().spec(problem(404, "not-found"))
                .body("detail", is("payment 999999 does not exist"))
                .body("instance", is("/payments/999999"));
        ContractClient.givenInvalidRequest("payments").get("/payments/abc")
                .then().spec(problem(400, "validation")).body("detail", containsString("paymentId"));
        ContractClient.givenInvalidRequest("payments").get("/payments/0")
                .then().spec(problem(400, "validation")).body("violations.field", hasItem("paymentId"));
    }

    @Test
    void aDeclineIsAnOutcomeOnTheAuthorizeSpanNotAnError() {
        RecordedSpans.Traceparent traceparent = RecordedSpans.traceparent();
        int id = ContractClient.given("payments").header("traceparent", traceparent.header()).contentType(JSON)
                .body(body("5000", "USD")).post("/payments").then().statusCode(201).extract().path("id");
        List<SpanData> trace = RecordedSpans.awaitTrace(traceparent.traceId(), "POST /payments", Duration.ofSeconds(5));

        SpanData server = RecordedSpans.named(trace, "POST /payments");
        SpanData authorize = RecordedSpans.named(trace, "payments.authorize");
        assertThat(authorize.getKind(), is(SpanKind.INTERNAL));
        assertThat(authorize.getParentSpanId(), is(server.getSpanId()));
        // a decline is the service's ordinary answer: not an error (declines must not raise the error rate)
        assertThat(authorize.getStatus().getStatusCode(), is(not(StatusCode.ERROR)));
        assertThat(authorize.getAttributes().get(AttributeKey.stringKey("flowlens.payment.status")), is("DECLINED"));
        assertThat(authorize.getAttributes().get(AttributeKey.stringKey("error.type")), is("LIMIT_EXCEEDED"));
        assertThat(authorize.getAttributes().get(AttributeKey.longKey("flowlens.payment.id")), is((long) id));
        SpanData insert = RecordedSpans.named(trace, "INSERT payments");
        assertThat(insert.getKind(), is(SpanKind.CLIENT));
        // the decision is recorded in one transaction (the order's lock, the void check, the insert) under the business span
        SpanData transaction = RecordedSpans.named(trace, "db.transaction");
        assertThat(insert.getParentSpanId(), is(transaction.getSpanId()));
        assertThat(transaction.getParentSpanId(), is(authorize.getSpanId()));
        assertThat(insert.getAttributes().get(AttributeKey.stringKey("db.system")), is("h2"));
        assertThat(insert.getAttributes().get(AttributeKey.stringKey("db.operation.name")), is("INSERT"));
        assertThat(insert.getAttributes().get(AttributeKey.stringKey("db.collection.name")), is("payments"));
        assertThat("the HTTP answer was 201, not a server error", server.getStatus().getStatusCode(),
                is(not(StatusCode.ERROR)));
    }

    @Test
    void unsupportedCurrencyIsADeclineWithItsReasonNotAnError() {
        RecordedSpans.Traceparent traceparent = RecordedSpans.traceparent();
        ContractClient.given("payments").header("traceparent", traceparent.header()).contentType(JSON)
                .body(body("5", "CHF")).post("/payments").then().statusCode(201);
        SpanData authorize = RecordedSpans.named(
                RecordedSpans.awaitTrace(traceparent.traceId(), "POST /payments", Duration.ofSeconds(5)), "payments.authorize");
        assertThat(authorize.getStatus().getStatusCode(), is(not(StatusCode.ERROR)));
        assertThat(authorize.getAttributes().get(AttributeKey.stringKey("flowlens.payment.status")), is("DECLINED"));
        assertThat(authorize.getAttributes().get(AttributeKey.stringKey("error.type")), is("CURRENCY_NOT_SUPPORTED"));
    }

    @Test
    void authorizationIsNotAnErrorAndCarriesThePayment() {
        RecordedSpans.Traceparent traceparent = RecordedSpans.traceparent();
        int id = ContractClient.given("payments").header("traceparent", traceparent.header()).contentType(JSON)
                .body(body("5", "EUR")).post("/payments").then().statusCode(201).extract().path("id");
        SpanData authorize = RecordedSpans.named(
                RecordedSpans.awaitTrace(traceparent.traceId(), "POST /payments", Duration.ofSeconds(5)), "payments.authorize");
        assertThat(authorize.getStatus().getStatusCode(), is(not(StatusCode.ERROR)));
        assertThat(authorize.getAttributes().get(AttributeKey.stringKey("error.type")), nullValue());
        assertThat(authorize.getAttributes().get(AttributeKey.longKey("flowlens.order.id")), is(7L));
        assertThat(authorize.getAttributes().get(AttributeKey.longKey("flowlens.payment.id")), is((long) id));
        assertThat(authorize.getAttributes().get(AttributeKey.doubleKey("flowlens.amount")), is(5.0));
        assertThat(authorize.getAttributes().get(AttributeKey.stringKey("flowlens.currency")), is("EUR"));
        assertThat(authorize.getAttributes().get(AttributeKey.stringKey("flowlens.payment.status")), is("AUTHORIZED"));
    }

    @Test
    void servesItsOwnContractAndHealth() {
        ContractClient.givenInvalidRequest("payments").get("/openapi")
                .then().statusCode(200).body(containsString("title: Flowlens payments service"));
        ContractClient.givenInvalidRequest("payments").get("/health/ready")
                .then().statusCode(200).body("status", is("UP")).body("checks.name", hasItem("database"));
    }
}
