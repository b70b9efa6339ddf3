package io.flowlens.payments;

import java.time.Duration;
import java.util.List;

import io.flowlens.observability.ContractClient;
import io.flowlens.observability.RecordedSpans;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.restassured.http.ContentType.JSON;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

/** Every endpoint of the payments contract in-process, validated against the contract. */
@HelidonTest
class PaymentsResourceTest {

    private static final String PROBLEM = "application/problem+json";

    @Inject
    private PaymentStore store;

    private static String body(String amount, String currency) {
        return "{\"orderId\":7,\"amount\":" + amount + ",\"currency\":\"" + currency + "\"}";
    }

    @Test
    void authorizesAndFindsThePaymentAgain() {
        int id = ContractClient.given("payments").contentType(JSON).body(body("49.99", "USD")).post("/payments")
                .then().statusCode(201)
                .header("Location", containsString("/payments/"))
                .body("status", is("AUTHORIZED"))
                .body("declineReason", nullValue())
                .body("amount", is(49.99f))
                .extract().path("id");
        ContractClient.given("payments").get("/payments/" + id)
                .then().statusCode(200).body("orderId", is(7)).body("status", is("AUTHORIZED"));
    }

    @Test
    void declinedPaymentsAreRecordedWithTheirReason() {
        int id = ContractClient.given("payments").contentType(JSON).body(body("1000.01", "EUR")).post("/payments")
                .then().statusCode(201).body("status", is("DECLINED")).body("declineReason", is("LIMIT_EXCEEDED"))
                .extract().path("id");
        ContractClient.given("payments").get("/payments/" + id).then().statusCode(200).body("status", is("DECLINED"));
        ContractClient.given("payments").contentType(JSON).body(body("10", "JPY")).post("/payments")
                .then().statusCode(201).body("declineReason", is("CURRENCY_NOT_SUPPORTED"));
    }

    @Test
    void badAmountsAre400AndWriteNothing() {
        long before = store.count();
        for (String amount : List.of("0", "-5", "1000000.01")) {
            ContractClient.givenInvalidRequest("payments").contentType(JSON).body(body(amount, "USD")).post("/payments")
                    .then().statusCode(400).contentType(PROBLEM).body("violations.field", hasItem("amount"));
        }
        ContractClient.givenInvalidRequest("payments").contentType(JSON).body(body("1.234", "USD")).post("/payments")
                .then().statusCode(400).contentType(PROBLEM).body("detail", containsString("two decimals"));
        assertThat(store.count(), is(before));
    }

    @Test
    void badCurrencyMissingFieldsAndMalformedJsonAre400() {
        long before = store.count();
        ContractClient.givenInvalidRequest("payments").contentType(JSON).body(body("5", "usd")).post("/payments")
                .then().statusCode(400).body("violations.field", hasItem("currency"));
        ContractClient.givenInvalidRequest("payments").contentType(JSON).body(body("5", "US")).post("/payments")
                .then().statusCode(400).body("violations.field", hasItem("currency"));
        ContractClient.givenInvalidRequest("payments").contentType(JSON).body("{\"amount\":5}").post("/payments")
                .then().statusCode(400).body("violations.field", hasItem("orderId"));
        ContractClient.givenInvalidRequest("payments").contentType(JSON).body("{\"orderId\":\"x\"").post("/payments")
                .then().statusCode(400).contentType(PROBLEM).body("type", is("https://flowlens.io/problems/malformed-body"));
        assertThat(store.count(), is(before));
    }

    @Test
    void unknownPaymentIs404AndBadIdIs400() {
        ContractClient.given("payments").get("/payments/999999")
                .then().statusCode(404).contentType(PROBLEM).body("traceId", matchesPattern("[0-9a-f]{32}"));
        ContractClient.givenInvalidRequest("payments").get("/payments/abc").then().statusCode(400).contentType(PROBLEM);
    }

    @Test
    void declineMarksTheAuthorizeSpanAsErrorButAuthorizationDoesNot() {
        RecordedSpans.Traceparent first = RecordedSpans.traceparent();
        ContractClient.given("payments").header("traceparent", first.header()).contentType(JSON).body(body("5000", "USD"))
                .post("/payments").then().statusCode(201);
        List<SpanData> declined =
                RecordedSpans.awaitTrace(first.traceId(), "POST /payments", Duration.ofSeconds(5));
        SpanData authorize = RecordedSpans.named(declined, "payments.authorize");
        assertThat(authorize.getStatus().getStatusCode(), is(StatusCode.ERROR));
        assertThat(authorize.getAttributes().get(AttributeKey.stringKey("error.type")), is("LIMIT_EXCEEDED"));
        assertThat(authorize.getAttributes().get(AttributeKey.stringKey("flowlens.payment.status")), is("DECLINED"));
        SpanData insert = RecordedSpans.named(declined, "INSERT payments");
        assertThat(insert.getKind(), is(SpanKind.CLIENT));
        assertThat(insert.getParentSpanId(), is(authorize.getSpanId()));
        assertThat("the HTTP answer was 201, not a server error",
                RecordedSpans.named(declined, "POST /payments").getStatus().getStatusCode(), is(not(StatusCode.ERROR)));

        RecordedSpans.Traceparent second = RecordedSpans.traceparent();
        ContractClient.given("payments").header("traceparent", second.header()).contentType(JSON).body(body("5", "USD"))
                .post("/payments").then().statusCode(201);
        List<SpanData> authorized =
                RecordedSpans.awaitTrace(second.traceId(), "POST /payments", Duration.ofSeconds(5));
        assertThat(RecordedSpans.named(authorized, "payments.authorize").getStatus().getStatusCode(),
                is(not(StatusCode.ERROR)));
        assertThat(RecordedSpans.named(authorized, "payments.authorize").getAttributes()
                .get(AttributeKey.doubleKey("flowlens.amount")), is(5.0));
    }
}
