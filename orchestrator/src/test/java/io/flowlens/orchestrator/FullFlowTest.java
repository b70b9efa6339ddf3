package io.flowlens.orchestrator;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.flowlens.contracts.orders.model.Order;
import io.flowlens.contracts.orders.model.OrderStatus;
import io.flowlens.platform.db.TracedDatabase;
import io.flowlens.testing.ContractClient;
import io.flowlens.testing.RecordedSpans;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.restassured.http.ContentType.JSON;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

/**
 * The orchestrator against stand-in services on the same test server (see {@link FakeDownstreams}): the saga's
 * outcomes, its compensation, the gateway routes and the spans one flow makes.
 */
@HelidonTest
// the stand-in payments reads the real payments service's keys; these are its defaults
@AddConfig(key = "payments.limit", value = "1000.00")
@AddConfig(key = "payments.currencies", value = "USD,EUR,GBP")
@AddConfig(key = "io.flowlens.orchestrator.DownstreamServices/Timeout/value", value = "500")
class FullFlowTest extends AgainstStandIns {

    @Inject
    private TracedDatabase database;

    @Test
    void authorizedPaymentCompletesTheFlow() {
        JsonPath flow = ContractClient.given("orchestrator").get("/demo/full-flow/1")
                .then().statusCode(200).extract().jsonPath();
        assertThat(flow.getString("outcome"), is("COMPLETED"));
        assertThat(flow.getString("order_status"), is("CONFIRMED"));
        assertThat(flow.getString("payment_status"), is("AUTHORIZED"));
        assertThat(flow.getString("trace_id"), matchesPattern("[0-9a-f]{32}"));
        assertThat(flow.getList("steps.name"), contains("GET_USER", "CREATE_ORDER", "AUTHORIZE_PAYMENT", "CONFIRM_ORDER"));
        assertThat(flow.getList("steps.status"), everyItem(is("OK")));
        assertThat(FakeDownstreams.ORDERS.get(flow.getLong("order_id")).getStatus(), is(OrderStatus.CONFIRMED));
    }

    @Test
    void aRepeatedFlowWithTheSameKeyRunsOnce() {
        int ordersBefore = FakeDownstreams.ORDERS.size();
        String key = "flow-" + System.nanoTime();
        JsonPath first = ContractClient.given("orchestrator").header("Idempotency-Key", key).get("/demo/full-flow/1")
                .then().statusCode(200).extract().jsonPath();
        ContractClient.given("orchestrator").header("Idempotency-Key", key).get("/demo/full-flow/1")
                .then().statusCode(200).header("Idempotent-Replayed", "true")
                .body("order_id", is(first.getInt("order_id"))).body("payment_id", is(first.getInt("payment_id")));
        assertThat("one order for two requests", FakeDownstreams.ORDERS.size(), is(ordersBefore + 1));
    }

    @Test
    void declinedPaymentCancelsTheOrder() {
        JsonPath flow = ContractClient.given("orchestrator").queryParam("amount", "5000").get("/demo/full-flow/2")
                .then().statusCode(200).extract().jsonPath();
        assertThat(flow.getString("outcome"), is("PAYMENT_DECLINED"));
        assertThat(flow.getString("decline_reason"), is("LIMIT_EXCEEDED"));
        assertThat(flow.getString("order_status"), is("CANCELLED"));
        assertThat(flow.getList("steps.name"), contains("GET_USER", "CREATE_ORDER", "AUTHORIZE_PAYMENT", "CANCEL_ORDER"));
        assertThat(FakeDownstreams.ORDERS.get(flow.getLong("order_id")).getStatus(), is(OrderStatus.CANCELLED));
        // a decline is an outcome of the flow, not an error of it
        List<SpanData> trace = RecordedSpans.awaitTrace(flow.getString("trace_id"), "GET /demo/full-flow/{userId}",
                Duration.ofSeconds(5));
        SpanData run = RecordedSpans.named(trace, "flow.run");
        assertThat(run.getAttributes().get(AttributeKey.stringKey("flowlens.flow.outcome")), is("PAYMENT_DECLINED"));
        assertThat(trace.stream().filter(s -> s.getStatus().getStatusCode() == StatusCode.ERROR).map(SpanData::getName)
                .toList(), is(List.of()));
    }

    @Test
    void unknownUserIs404AndCreatesNoOrder() {
        int ordersBefore = FakeDownstreams.ORDERS.size();
        ContractClient.given("orchestrator").get("/demo/full-flow/999")
                .then().statusCode(404).contentType("application/problem+json")
                .body("type", is("https://flowlens.io/problems/not-found"))
                .body("detail", is("user 999 does not exist"));
        assertThat(FakeDownstreams.ORDERS.size(), is(ordersBefore));
    }

    @Test
    void aFlowThatEndsBeforeItsOrderWritesItsRunOnceWithItsOutcome() {
        String traceId = ContractClient.given("orchestrator").get("/demo/full-flow/998")
                .then().statusCode(404).extract().path("trace_id");
        List<SpanData> trace = RecordedSpans.awaitTrace(traceId, "GET /demo/full-flow/{userId}", Duration.ofSeconds(5));
        assertThat(runStatements(trace), contains("INSERT flow_runs"));
        assertThat(database.queryOne("flow_runs", "SELECT outcome, order_id FROM flow_runs WHERE trace_id = ?",
                statement -> statement.setString(1, traceId), row -> row.getString(1) + " order " + row.getObject(2))
                .orElseThrow(), is("FAILED order null"));
    }

    @Test
    void failingPaymentsIs502AndTheOrderIsCompensated() {
        Set<Long> ordersBefore = Set.copyOf(FakeDownstreams.ORDERS.keySet());
        int attemptsBefore = paymentAttempts(FakeDownstreams.FAILING_AMOUNT);
        ContractClient.given("orchestrator").queryParam("amount", FakeDownstreams.FAILING_AMOUNT.toPlainString())
                .get("/demo/full-flow/1")
                .then().statusCode(502).body("type", is("https://flowlens.io/problems/downstream-error"));
        assertThat("a 500 is an answer, not retried", paymentAttempts(FakeDownstreams.FAILING_AMOUNT), is(attemptsBefore + 1));
        Order order = theOnlyNewOrder(ordersBefore);
        assertThat(order.getStatus(), is(OrderStatus.CANCELLED));
        assertThat("payments voided after the cancel", FakeDownstreams.VOIDED_ORDERS, hasItem(order.getId()));
    }

    @Test
    void slowDownstreamAnswers504WithinTheTimeoutAndCompensates() {
        Set<Long> ordersBefore = Set.copyOf(FakeDownstreams.ORDERS.keySet());
        int attemptsBefore = paymentAttempts(FakeDownstreams.SLOW_AMOUNT);
        ContractClient.given("orchestrator").queryParam("amount", FakeDownstreams.SLOW_AMOUNT.toPlainString())
                .get("/demo/full-flow/1")
                .then().statusCode(504).contentType("application/problem+json");
        // the slow payment takes 10 s; the 500 ms timeout and the retries (answered "still in progress" by the
        // idempotency filter) answered while it still runs: the flow gave up on it instead of waiting. (Asserted by
        // what happened, not by a wall-clock bound, which a loaded machine breaks.)
        Order order = theOnlyNewOrder(ordersBefore);
        assertThat("the 504 came while the slow payment was still running", FakeDownstreams.SLOW_PAYMENTS_RUNNING,
                hasItem(order.getId()));
        assertThat("the retries never reached payments a second time", paymentAttempts(FakeDownstreams.SLOW_AMOUNT),
                is(attemptsBefore + 1));
        assertThat(order.getStatus(), is(OrderStatus.CANCELLED));
        // the payment still running lands after this void, and is declined for it (see FakeDownstreams, PaymentVoidTest)
        assertThat(FakeDownstreams.VOIDED_ORDERS, hasItem(order.getId()));
    }

    /**
     * The first payment attempt is cut off by the timeout but completes at payments; the retry carries the same
     * Idempotency-Key, so it gets that payment back instead of charging again, and the flow completes.
     */
    @Test
    void aTimedOutPaymentIsRetriedAndChargedOnce() {
        int attemptsBefore = paymentAttempts(FakeDownstreams.SLOW_ONCE_AMOUNT);
        JsonPath flow = ContractClient.given("orchestrator")
                .queryParam("amount", FakeDownstreams.SLOW_ONCE_AMOUNT.toPlainString()).get("/demo/full-flow/1")
                .then().statusCode(200).extract().jsonPath();
        assertThat(flow.getString("outcome"), is("COMPLETED"));
        assertThat(flow.getString("payment_status"), is("AUTHORIZED"));
        // counted for this flow's order: a slow payment of an earlier test may land in the shared map meanwhile
        long orderId = flow.getLong("order_id");
        assertThat("one payment made", FakeDownstreams.PAYMENTS.values().stream()
                .filter(p -> p.getOrderId() == orderId).count(), is(1L));
        assertThat(paymentAttempts(FakeDownstreams.SLOW_ONCE_AMOUNT), is(attemptsBefore + 1));
        assertThat(FakeDownstreams.PAYMENTS.get(flow.getLong("payment_id")).getOrderId(), is(flow.getLong("order_id")));

        List<SpanData> trace = RecordedSpans.awaitTrace(flow.getString("trace_id"), "GET /demo/full-flow/{userId}",
                Duration.ofSeconds(5));
        List<SpanData> paymentServerSpans = trace.stream()
                .filter(s -> s.getKind() == SpanKind.SERVER && s.getName().equals("POST /fake/payments")).toList();
        assertThat("the cut-off attempt and at least one retry reached payments: "
                + trace.stream().map(SpanData::getName).toList(), paymentServerSpans.size(), greaterThanOrEqualTo(2));
    }

    /** Without keys on every write the retries above could charge twice; each flow makes up its own key. */
    @Test
    void flowsWithoutACallerKeyStillSendKeysDownstream() {
        int before = FakeDownstreams.ORDER_KEYS.size();
        ContractClient.given("orchestrator").get("/demo/full-flow/1").then().statusCode(200);
        ContractClient.given("orchestrator").get("/demo/full-flow/1").then().statusCode(200);
        List<String> keys = FakeDownstreams.ORDER_KEYS.subList(before, FakeDownstreams.ORDER_KEYS.size());
        assertThat("two flows without a key are two flows, each with its own key: " + keys, keys.size(), is(2));
        assertThat(keys, everyItem(matchesPattern("flow-[0-9a-f-]{36}:order")));
        assertThat(keys.get(0).equals(keys.get(1)), is(false));
    }

    @Test
    void gatewayWritesWithoutACallerKeyGetOne() {
        int before = FakeDownstreams.ORDER_KEYS.size();
        ContractClient.given("orchestrator").contentType(JSON).body("{\"user_id\":1,\"amount\":3.00,\"currency\":\"EUR\"}")
                .post("/orders").then().statusCode(201);
        List<String> keys = FakeDownstreams.ORDER_KEYS.subList(before, FakeDownstreams.ORDER_KEYS.size());
        // a caller's own key is passed on as it is; not testable here, where gateway and stand-in share one key table
        assertThat(keys, contains(matchesPattern("gateway-[0-9a-f-]{36}")));
    }

    private static int paymentAttempts(BigDecimal amount) {
        AtomicInteger attempts = FakeDownstreams.PAYMENT_ATTEMPTS.get(amount.stripTrailingZeros());
        return attempts == null ? 0 : attempts.get();
    }

    private static Order theOnlyNewOrder(Set<Long> before) {
        List<Order> created = FakeDownstreams.ORDERS.values().stream().filter(o -> !before.contains(o.getId())).toList();
        assertThat("orders made by the flow", created.size(), is(1));
        return created.get(0);
    }

    /**
     * A call cut off by the FT timeout never gets an answer, so the REST client's span would never end and stay the
     * thread's current span: the callee's server span would point to a parent that is never exported, and the
     * flow's later spans (the compensation) would hang under it. The cut-off client span must end (as an error)
     * and everything after it must be a child of the flow again.
     */
    @Test
    void aTimedOutCallLeavesNoOpenSpanBehind() {
        RecordedSpans.Traceparent traceparent = RecordedSpans.traceparent();
        ContractClient.given("orchestrator").header("traceparent", traceparent.header())
                .queryParam("amount", FakeDownstreams.SLOW_AMOUNT.toPlainString())
                .get("/demo/full-flow/1")
                .then().statusCode(504);
        List<SpanData> spans = RecordedSpans.awaitTrace(traceparent.traceId(), "flow.run", Duration.ofSeconds(10));
        SpanData flow = RecordedSpans.named(spans, "flow.run");
        List<SpanData> cutOff = spans.stream().filter(s -> s.getKind() == SpanKind.CLIENT
                && s.getParentSpanId().equals(flow.getSpanId()) && s.getStatus().getStatusCode() == StatusCode.ERROR
                && "HTTP POST".equals(s.getName())
                && "timeout".equals(s.getAttributes().get(AttributeKey.stringKey("error.type")))).toList();
        // one cut-off attempt; the retries after it are answered "still in progress" at once
        assertThat("the cut-off payments call is an ended error span under flow.run: "
                + spans.stream().map(s -> s.getName() + "/" + s.getKind() + "/" + s.getStatus().getStatusCode()).toList(),
                cutOff.size(), is(1));
        List<String> underTheCutOffCall = spans.stream()
                .filter(s -> s.getParentSpanId().equals(cutOff.get(0).getSpanId()) && s.getKind() != SpanKind.SERVER)
                .map(SpanData::getName).toList();
        assertThat("spans of the flow after the timeout hang under the cut-off call", underTheCutOffCall, is(List.of()));
    }

    @Test
    void invalidFlowParametersAre400() {
        ContractClient.givenInvalidRequest("orchestrator").queryParam("currency", "usd").get("/demo/full-flow/1")
                .then().statusCode(400).body("violations.field", hasItem("currency"));
        ContractClient.givenInvalidRequest("orchestrator").queryParam("amount", "-1").get("/demo/full-flow/1")
                .then().statusCode(400).body("violations.field", hasItem("amount"));
        ContractClient.givenInvalidRequest("orchestrator").get("/demo/full-flow/x").then().statusCode(400);
    }

    @Test
    void gatewayForwardsEveryRoute() {
        ContractClient.given("orchestrator").get("/users/2").then().statusCode(200).body("id", is(2));
        ContractClient.given("orchestrator").get("/users").then().statusCode(200).body("limit", is(20));
        ContractClient.given("orchestrator").contentType(JSON).body("{\"name\":\"Gate\",\"email\":\"gate@example.com\"}")
                .post("/users").then().statusCode(201).header("Location", containsString("/users/"));
        int orderId = ContractClient.given("orchestrator").contentType(JSON)
                .body("{\"user_id\":1,\"amount\":10.50,\"currency\":\"EUR\"}")
                .post("/orders").then().statusCode(201).body("status", is("PENDING")).extract().path("id");
        ContractClient.given("orchestrator").get("/orders/" + orderId).then().statusCode(200).body("currency", is("EUR"));
        ContractClient.given("orchestrator").contentType(JSON)
                .body("{\"order_id\":" + orderId + ",\"amount\":10.50,\"currency\":\"EUR\"}")
                .post("/payments").then().statusCode(201).body("status", is("AUTHORIZED"));
    }

    @Test
    void theGatewayCountsATextsLengthInCharactersAsTheContractDoes() {
        // the gateway validates with the clients' models, whose @Size counted UTF-16 units: 100 emoji, a valid name,
        // were a 400 here and a 201 on users itself
        String emoji = "\uD83D\uDE00";
        ContractClient.given("orchestrator").contentType(JSON)
                .body("{\"name\":\"" + emoji.repeat(100) + "\",\"email\":\"emoji@example.com\"}")
                .post("/users").then().statusCode(201).body("name", is(emoji.repeat(100)));
        ContractClient.givenInvalidRequest("orchestrator").contentType(JSON)
                .body("{\"name\":\"" + emoji.repeat(101) + "\",\"email\":\"emoji2@example.com\"}")
                .post("/users").then().statusCode(400).body("violations.field", hasItem("name"));
    }

    @Test
    void gatewayPassesDownstreamProblemsThrough() {
        ContractClient.given("orchestrator").get("/users/777")
                .then().statusCode(404).body("detail", is("user 777 does not exist"));
        ContractClient.given("orchestrator").get("/payments/5").then().statusCode(404);
    }

    @Test
    void gatewayValidatesBeforeCallingDownstream() {
        int ordersBefore = FakeDownstreams.ORDERS.size();
        ContractClient.givenInvalidRequest("orchestrator").contentType(JSON)
                .body("{\"user_id\":1,\"amount\":-5,\"currency\":\"eur\"}")
                .post("/orders").then().statusCode(400).body("violations.field", hasItem("currency"));
        assertThat(FakeDownstreams.ORDERS.size(), is(ordersBefore));
    }

    @Test
    void downstreamValidationProblemsKeepTheirViolations() {
        // the generated client model drops exclusiveMinimum, so 0 is caught by orders, not the gateway
        int ordersBefore = FakeDownstreams.ORDERS.size();
        ContractClient.givenInvalidRequest("orchestrator").contentType(JSON)
                .body("{\"user_id\":1,\"amount\":0,\"currency\":\"EUR\"}")
                .post("/orders").then().statusCode(400).body("violations.field", hasItem("amount"));
        assertThat(FakeDownstreams.ORDERS.size(), is(ordersBefore));
    }

    @Test
    void oneFlowIsOneTraceWithBusinessClientAndDownstreamServerSpans() {
        String traceId = ContractClient.given("orchestrator").get("/demo/full-flow/3")
                .then().statusCode(200).extract().path("trace_id");
        List<SpanData> trace = RecordedSpans.awaitTrace(traceId, "GET /demo/full-flow/{userId}", Duration.ofSeconds(5));

        SpanData server = RecordedSpans.named(trace, "GET /demo/full-flow/{userId}");
        SpanData flow = RecordedSpans.named(trace, "flow.run");
        assertThat(server.getTraceId(), is(traceId));
        assertThat(server.getKind(), is(SpanKind.SERVER));
        assertThat(flow.getParentSpanId(), is(server.getSpanId()));
        assertThat(flow.getAttributes().get(AttributeKey.longKey("flowlens.user.id")), is(3L));
        assertThat(flow.getAttributes().get(AttributeKey.stringKey("flowlens.flow.outcome")), is("COMPLETED"));
        List<SpanData> clients = trace.stream()
                .filter(s -> s.getKind() == SpanKind.CLIENT && s.getParentSpanId().equals(flow.getSpanId()))
                .filter(s -> s.getAttributes().get(AttributeKey.stringKey("db.system")) == null)
                .toList();
        assertThat("user, order, payment, confirm calls", clients.size(), is(4));
        for (SpanData client : clients) {
            assertThat("each client call reached a server span in the same trace", trace.stream()
                    .anyMatch(s -> s.getKind() == SpanKind.SERVER && s.getParentSpanId().equals(client.getSpanId())), is(true));
        }
        // the run is written twice: once its order exists, before the payment is asked for, and with its outcome
        assertThat(runStatements(trace), contains("INSERT flow_runs", "UPDATE flow_runs"));
        List<SpanData> calls = clients.stream().sorted(Comparator.comparing(SpanData::getStartEpochNanos)).toList();
        SpanData record = RecordedSpans.named(trace, "INSERT flow_runs");
        assertThat("written after the order call", record.getStartEpochNanos(),
                greaterThanOrEqualTo(calls.get(1).getEndEpochNanos()));
        assertThat("written before the payment call", record.getEndEpochNanos(),
                lessThanOrEqualTo(calls.get(2).getStartEpochNanos()));
        // the run's record commits on its own, whatever happens to the request: a transaction of its own under flow.run
        SpanData recordTransaction = trace.stream().filter(s -> s.getSpanId().equals(record.getParentSpanId()))
                .findFirst().orElseThrow();
        assertThat(recordTransaction.getName(), is("db.transaction"));
        assertThat(recordTransaction.getParentSpanId(), is(flow.getSpanId()));
        assertThat(trace.stream().noneMatch(s -> s.getStatus().getStatusCode() == StatusCode.ERROR), is(true));
    }

    /** The statements on flow_runs in a trace, in the order they ran. */
    private static List<String> runStatements(List<SpanData> trace) {
        return trace.stream().filter(s -> s.getName().endsWith(" flow_runs"))
                .sorted(Comparator.comparing(SpanData::getStartEpochNanos)).map(SpanData::getName).toList();
    }

    @Test
    void failedFlowMarksTheBusinessSpanAsError() {
        String traceId = ContractClient.given("orchestrator")
                .queryParam("amount", FakeDownstreams.FAILING_AMOUNT.toPlainString())
                .get("/demo/full-flow/2").then().statusCode(502).extract().path("trace_id");
        List<SpanData> trace = RecordedSpans.awaitTrace(traceId, "GET /demo/full-flow/{userId}", Duration.ofSeconds(5));
        SpanData flow = RecordedSpans.named(trace, "flow.run");
        assertThat(flow.getStatus().getStatusCode(), is(StatusCode.ERROR));
        assertThat(flow.getAttributes().get(AttributeKey.stringKey("error.type")), is("downstream-error"));
        assertThat(RecordedSpans.named(trace, "GET /demo/full-flow/{userId}").getStatus().getStatusCode(),
                is(StatusCode.ERROR));
    }

    @Test
    void faultToleranceKeepsNoPerCallMetrics() {
        ContractClient.given("orchestrator").get("/demo/full-flow/1").then().statusCode(200);
        // the calls' timeout and retries are Helidon SE handlers built once (DownstreamPolicy), not MicroProfile Fault
        // Tolerance's interceptor, whose per-call counter lookups cost the flow CPU (PROFILES.md) and which nothing
        // read; the client spans carry each call's outcome and duration instead
        String metrics = ContractClient.givenInvalidRequest("orchestrator").get("/metrics").then().statusCode(200)
                .extract().asString();
        assertThat(metrics, not(containsString("ft_invocations_total")));
        assertThat(metrics, not(containsString("ft_retry_calls_total")));
    }
}
