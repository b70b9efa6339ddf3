package io.flowlens.users;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.flowlens.contracts.admin.model.FaultName;
import io.flowlens.contracts.admin.model.FaultSettings;
import io.flowlens.platform.db.TracedDatabase;
import io.flowlens.platform.faults.FaultInjector;
import io.flowlens.testing.ContractClient;
import io.flowlens.testing.RecordedSpans;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.restassured.http.ContentType.JSON;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

/**
 * An idempotent POST as one transaction by default: the claim of its key, the user and the stored answer commit
 * together. A repeat meets the claim's row lock: it waits for the first and replays its answer, is told 409 when the
 * first holds the key past the lock timeout, and runs itself when the first failed, without waiting for any lease.
 * LeasedIdempotencyClaimTest covers the claim that commits first, as the orchestrator's.
 */
@HelidonTest
@AddConfig(key = "flowlens.db.lock-timeout-ms", value = "" + IdempotentTransactionTest.LOCK_TIMEOUT_MS)
class IdempotentTransactionTest {

    static final int LOCK_TIMEOUT_MS = 4000;

    @Inject
    private UserStore store;

    @Inject
    private FaultInjector faults;

    @Inject
    private TracedDatabase database;

    @AfterEach
    void faultsOff() {
        faults.clear(FaultName.LATENCY);
        faults.clear(FaultName.ERRORS);
    }

    static String body() {
        return "{\"name\":\"Tx\",\"email\":\"tx-" + UUID.randomUUID() + "@example.com\"}";
    }

    static Response post(String key, String body, String traceparent) {
        var request = ContractClient.given("users").header("Idempotency-Key", key).contentType(JSON).body(body);
        return (traceparent == null ? request : request.header("traceparent", traceparent)).post("/users");
    }

    /** Sends the first request in the background with {@code latencyMs} after its claim; answers once it claimed. */
    private CompletableFuture<Response> firstHoldingItsKey(String key, String body, int latencyMs) {
        faults.set(FaultName.LATENCY, new FaultSettings().enabled(true).latencyMs(latencyMs));
        RecordedSpans.Traceparent traceparent = RecordedSpans.traceparent();
        CompletableFuture<Response> first = CompletableFuture.supplyAsync(() -> post(key, body, traceparent.header()));
        // the claim is not committed yet, so no other connection sees it: its statement's span says it ran
        RecordedSpans.awaitTrace(traceparent.traceId(), "INSERT idempotency_keys", Duration.ofSeconds(10));
        return first;
    }

    /** The spans of one idempotent POST /users that created a user, and its one {@code db.transaction}. */
    record CreatedUserTrace(List<SpanData> spans, SpanData transaction) {

        static CreatedUserTrace record() {
            RecordedSpans.Traceparent traceparent = RecordedSpans.traceparent();
            post("k-" + UUID.randomUUID(), body(), traceparent.header()).then().statusCode(201);
            List<SpanData> spans = RecordedSpans.awaitTrace(traceparent.traceId(), "POST /users", Duration.ofSeconds(5));
            assertThat(spans.stream().filter(span -> span.getName().equals("db.transaction")).count(), is(1L));
            SpanData transaction = RecordedSpans.named(spans, "db.transaction");
            assertThat(transaction.getAttributes().get(AttributeKey.stringKey("flowlens.db.transaction.outcome")),
                    is("commit"));
            return new CreatedUserTrace(spans, transaction);
        }

        boolean inTransaction(String statement) {
            return ancestors(spans, RecordedSpans.named(spans, statement)).contains(transaction.getSpanId());
        }
    }

    @Test
    void theClaimTheUserAndTheStoredAnswerCommitInOneTransaction() {
        CreatedUserTrace trace = CreatedUserTrace.record();
        for (String statement : List.of("INSERT idempotency_keys", "INSERT users", "UPDATE idempotency_keys")) {
            assertThat(statement + " inside the transaction", trace.inTransaction(statement), is(true));
        }
    }

    @Test
    void aRepeatWhileTheFirstRunsWaitsForItAndReplaysItsAnswer() throws Exception {
        String key = "k-" + UUID.randomUUID();
        String body = body();
        long before = store.count();
        CompletableFuture<Response> holder = firstHoldingItsKey(key, body, 1500);

        Response repeat = post(key, body, null);
        Response first = holder.get(15, TimeUnit.SECONDS);
        assertThat(first.statusCode(), is(201));
        assertThat(repeat.statusCode(), is(201));
        assertThat(repeat.header("Idempotent-Replayed"), is("true"));
        assertThat(repeat.jsonPath().getLong("id"), is(first.jsonPath().getLong("id")));
        assertThat("one user, the first's", store.count(), is(before + 1));
    }

    @Test
    void aFirstThatHoldsItsKeyPastTheLockTimeoutLeavesTheRepeatAt409() throws Exception {
        String key = "k-" + UUID.randomUUID();
        String body = body();
        long before = store.count();
        CompletableFuture<Response> holder = firstHoldingItsKey(key, body, 2 * LOCK_TIMEOUT_MS);

        Response repeat = post(key, body, null);
        assertThat(repeat.statusCode(), is(409));
        assertThat(repeat.contentType(), is("application/problem+json"));
        assertThat(repeat.jsonPath().getString("type"), is("https://flowlens.io/problems/idempotency-in-progress"));
        assertThat(holder.get(30, TimeUnit.SECONDS).statusCode(), is(201));
        assertThat("one user, the first's", store.count(), is(before + 1));
    }

    @Test
    void aFirstThatFailsTakesItsClaimWithItAndTheRetryRunsAtOnce() {
        String key = "k-" + UUID.randomUUID();
        String body = body();
        long before = store.count();
        faults.set(FaultName.ERRORS, new FaultSettings().enabled(true).rate(1.0));
        post(key, body, null).then().statusCode(500);
        faults.clear(FaultName.ERRORS);
        assertThat("nothing of the failed first stays", IdempotencyClaims.exists(database, key), is(false));

        Response retry = post(key, body, null);
        assertThat(retry.statusCode(), is(201));
        assertThat(retry.header("Idempotent-Replayed"), is(nullValue()));
        assertThat("one user, the retry's", store.count(), is(before + 1));
    }

    static Set<String> ancestors(List<SpanData> trace, SpanData span) {
        var byId = trace.stream().collect(Collectors.toMap(SpanData::getSpanId, s -> s));
        Set<String> ids = new HashSet<>();
        SpanData current = byId.get(span.getParentSpanId());
        while (current != null) {
            ids.add(current.getSpanId());
            current = byId.get(current.getParentSpanId());
        }
        return ids;
    }
}
