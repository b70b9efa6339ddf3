package io.flowlens.payments;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import io.flowlens.contracts.payments.model.Payment;
import io.flowlens.contracts.payments.model.PaymentCreate;
import io.flowlens.contracts.payments.model.PaymentStatus;
import io.flowlens.contracts.payments.model.PaymentVoidRequest;
import io.flowlens.testing.ContractClient;
import io.flowlens.testing.RecordedSpans;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.flowlens.testing.ProblemAnswer.problem;
import static io.restassured.http.ContentType.JSON;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

/**
 * Voiding an order's payments, the saga's last compensation: a payment the orchestrator never got an answer for
 * must not stay charged once the order is cancelled, even when it lands after the void.
 */
@HelidonTest
class PaymentVoidTest {

    /** Order ids of their own, so other test classes' payments (order 7) are never voided by these tests. */
    private static final AtomicLong ORDER_IDS = new AtomicLong(5_000_000);

    @Inject
    private PaymentStore store;

    @Inject
    private PaymentService service;

    private static int pay(long orderId, String amount) {
        return ContractClient.given("payments").contentType(JSON)
                .body("{\"order_id\":" + orderId + ",\"amount\":" + amount + ",\"currency\":\"USD\"}")
                .post("/payments").then().statusCode(201).extract().path("id");
    }

    private static String voidBody(long orderId) {
        return "{\"order_id\":" + orderId + ",\"reason\":\"order cancelled by the saga\"}";
    }

    @Test
    void voidingAnOrderVoidsItsAuthorizedPaymentsOnly() {
        long orderId = ORDER_IDS.incrementAndGet();
        int authorized = pay(orderId, "20.00");
        int declined = pay(orderId, "5000.00");
        long otherOrder = ORDER_IDS.incrementAndGet();
        int untouched = pay(otherOrder, "20.00");

        ContractClient.given("payments").contentType(JSON).body(voidBody(orderId)).post("/payment-voids")
                .then().statusCode(200).body("order_id", is((int) orderId)).body("voided_payment_ids", contains(authorized));

        ContractClient.given("payments").get("/payments/" + authorized).then().statusCode(200).body("status", is("VOIDED"));
        ContractClient.given("payments").get("/payments/" + declined).then().statusCode(200)
                .body("status", is("DECLINED")).body("decline_reason", is("LIMIT_EXCEEDED"));
        ContractClient.given("payments").get("/payments/" + untouched).then().statusCode(200).body("status", is("AUTHORIZED"));
    }

    @Test
    void aPaymentArrivingAfterTheVoidIsDeclined() {
        long orderId = ORDER_IDS.incrementAndGet();
        ContractClient.given("payments").contentType(JSON).body(voidBody(orderId)).post("/payment-voids")
                .then().statusCode(200).body("voided_payment_ids", is(empty()));
        ContractClient.given("payments").contentType(JSON)
                .body("{\"order_id\":" + orderId + ",\"amount\":20.00,\"currency\":\"USD\"}").post("/payments")
                .then().statusCode(201).body("status", is("DECLINED")).body("decline_reason", is("ORDER_CANCELLED"));
    }

    @Test
    void voidingTwiceChangesNothingAndAnswersTheSameIds() {
        long orderId = ORDER_IDS.incrementAndGet();
        int authorized = pay(orderId, "20.00");
        for (int attempt = 0; attempt < 2; attempt++) {
            ContractClient.given("payments").contentType(JSON).body(voidBody(orderId)).post("/payment-voids")
                    .then().statusCode(200).body("voided_payment_ids", contains(authorized));
        }
        assertThat(store.find(authorized).orElseThrow().getStatus(), is(PaymentStatus.VOIDED));
    }

    @Test
    void aReasonsLengthCountsCharactersAsTheContractDoesNotUtf16Units() {
        // maxLength counts code points; @Size counted UTF-16 units, and H2's VARCHAR(200) held 100 emoji
        String reason = "\uD83D\uDE00".repeat(200);
        long orderId = ORDER_IDS.incrementAndGet();
        ContractClient.givenInvalidRequest("payments").contentType(JSON)
                .body("{\"order_id\":" + orderId + ",\"reason\":\"" + reason + "x\"}")
                .post("/payment-voids").then().spec(problem(400, "validation")).body("violations.field", hasItem("reason"));
        assertThat(store.isVoided(orderId), is(false));
        ContractClient.given("payments").contentType(JSON)
                .body("{\"order_id\":" + orderId + ",\"reason\":\"" + reason + "\"}")
                .post("/payment-voids").then().statusCode(200).body("order_id", is((int) orderId));
        assertThat(store.isVoided(orderId), is(true));
    }

    @Test
    void badVoidRequestsAre400AndVoidNothing() {
        long orderId = ORDER_IDS.incrementAndGet();
        int authorized = pay(orderId, "20.00");
        ContractClient.givenInvalidRequest("payments").contentType(JSON).body("{\"order_id\":" + orderId + "}")
                .post("/payment-voids").then().spec(problem(400, "validation")).body("violations.field", hasItem("reason"));
        ContractClient.givenInvalidRequest("payments").contentType(JSON).body("{\"order_id\":0,\"reason\":\"x\"}")
                .post("/payment-voids").then().spec(problem(400, "validation")).body("violations.field", hasItem("order_id"));
        ContractClient.givenInvalidRequest("payments").contentType(JSON)
                .body("{\"order_id\":" + orderId + ",\"reason\":\"\"}")
                .post("/payment-voids").then().spec(problem(400, "validation")).body("violations.field", hasItem("reason"));
        ContractClient.givenInvalidRequest("payments").contentType(JSON)
                .body("{\"order_id\":" + orderId + ",\"reason\":\"x\",\"all\":true}")
                .post("/payment-voids").then().spec(problem(400, "malformed-body"));
        assertThat(store.find(authorized).orElseThrow().getStatus(), is(PaymentStatus.AUTHORIZED));
        assertThat(store.isVoided(orderId), is(false));
    }

    /**
     * A payment and a void for the same order, started together many times (in process, so the two race on the
     * database rather than on HTTP parsing): whichever way their statements interleave, no payment of a voided order
     * may stay AUTHORIZED.
     */
    @Test
    void aPaymentRacingAVoidNeverStaysAuthorized() throws Exception {
        int races = 400;
        List<Future<Payment>> payments = new ArrayList<>();
        List<Future<?>> voids = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int race = 0; race < races; race++) {
                long orderId = ORDER_IDS.incrementAndGet();
                CyclicBarrier start = new CyclicBarrier(2);
                payments.add(pool.submit(() -> {
                    start.await();
                    return service.authorize(new PaymentCreate().orderId(orderId).amount(new BigDecimal("20.00"))
                            .currency("USD"));
                }));
                voids.add(pool.submit(() -> {
                    start.await();
                    return service.voidOrder(new PaymentVoidRequest().orderId(orderId).reason("race"));
                }));
            }
        }
        for (Future<?> voided : voids) {
            voided.get(); // a void that threw would otherwise go unnoticed
        }
        // the answer may say AUTHORIZED (the void came after it and voided it then); what is stored may not
        List<Long> stillAuthorized = new ArrayList<>();
        for (Future<Payment> answer : payments) {
            Payment stored = store.find(answer.get().getId()).orElseThrow();
            if (stored.getStatus() == PaymentStatus.AUTHORIZED) {
                stillAuthorized.add(stored.getId());
            }
        }
        assertThat("payments of voided orders left AUTHORIZED", stillAuthorized, is(empty()));
    }

    @Test
    void theOrdersLockTakesASecondStatementOnlyWhenItsRowExisted() {
        long orderId = ORDER_IDS.incrementAndGet();
        // the first payment makes the order's lock row, which its transaction holds from the insert on
        assertThat(authorizeStatements(orderId), contains("INSERT payment_order_locks", "SELECT voided_orders",
                "INSERT payments"));
        assertThat(authorizeStatements(orderId), contains("INSERT payment_order_locks", "SELECT payment_order_locks",
                "SELECT voided_orders", "INSERT payments"));
    }

    /** The statements of one authorization of {@code orderId}, in the order they ran. */
    private static List<String> authorizeStatements(long orderId) {
        RecordedSpans.Traceparent traceparent = RecordedSpans.traceparent();
        ContractClient.given("payments").header("traceparent", traceparent.header()).contentType(JSON)
                .body("{\"order_id\":" + orderId + ",\"amount\":20.00,\"currency\":\"USD\"}").post("/payments")
                .then().statusCode(201).body("status", is("AUTHORIZED"));
        return statementsOf(RecordedSpans.awaitTrace(traceparent.traceId(), "POST /payments", Duration.ofSeconds(5)));
    }

    /** The names of the statements in the trace's one transaction, in the order they began. */
    private static List<String> statementsOf(List<SpanData> trace) {
        SpanData transaction = RecordedSpans.named(trace, "db.transaction");
        return trace.stream().filter(s -> s.getParentSpanId().equals(transaction.getSpanId()))
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).map(SpanData::getName).toList();
    }

    @Test
    void theVoidIsABusinessSpanWithItsCount() {
        long orderId = ORDER_IDS.incrementAndGet();
        pay(orderId, "20.00");
        RecordedSpans.Traceparent traceparent = RecordedSpans.traceparent();
        ContractClient.given("payments").header("traceparent", traceparent.header()).contentType(JSON)
                .body(voidBody(orderId)).post("/payment-voids").then().statusCode(200);
        List<SpanData> trace = RecordedSpans.awaitTrace(traceparent.traceId(), "POST /payment-voids", Duration.ofSeconds(5));
        SpanData voiding = RecordedSpans.named(trace, "payments.void");
        assertThat(voiding.getParentSpanId(), is(RecordedSpans.named(trace, "POST /payment-voids").getSpanId()));
        assertThat(voiding.getAttributes().get(AttributeKey.longKey("flowlens.order.id")), is(orderId));
        assertThat(voiding.getAttributes().get(AttributeKey.longKey("flowlens.payment.voided_count")), is(1L));
        // the order's lock, the marker, the update and the read-back are one transaction under the business span
        SpanData transaction = RecordedSpans.named(trace, "db.transaction");
        assertThat(transaction.getParentSpanId(), is(voiding.getSpanId()));
        assertThat(transaction.getAttributes().get(AttributeKey.stringKey("flowlens.db.transaction.outcome")), is("commit"));
        assertThat(statementsOf(trace), contains("INSERT payment_order_locks", "SELECT payment_order_locks", "INSERT voided_orders",
                "UPDATE payments", "SELECT payments"));
    }
}
