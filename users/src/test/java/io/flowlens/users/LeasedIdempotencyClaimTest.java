package io.flowlens.users;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.flowlens.contracts.admin.model.FaultName;
import io.flowlens.contracts.admin.model.FaultSettings;
import io.flowlens.platform.db.TracedDatabase;
import io.flowlens.platform.faults.FaultInjector;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.flowlens.users.IdempotentTransactionTest.body;
import static io.flowlens.users.IdempotentTransactionTest.post;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * The claim that commits before the work, with a lease (what the orchestrator uses, whose work calls other services):
 * a repeat is told "in progress" at once, a holder that outlives the lease loses the key and writes nothing, and a
 * retry after it runs the request once.
 */
@HelidonTest
@AddConfig(key = "flowlens.idempotency.claim-commits-first", value = "true")
@AddConfig(key = "flowlens.idempotency.lease", value = "PT1S")
class LeasedIdempotencyClaimTest {

    private static final int HOLDER_LATENCY_MS = 5000;

    @Inject
    private UserStore store;

    @Inject
    private FaultInjector faults;

    @Inject
    private TracedDatabase database;

    @AfterEach
    void faultOff() {
        faults.clear(FaultName.LATENCY);
    }

    @Test
    void theClaimCommitsBeforeTheWorkAndTheAnswerWithIt() {
        IdempotentTransactionTest.CreatedUserTrace trace = IdempotentTransactionTest.CreatedUserTrace.record();
        assertThat("INSERT users inside the transaction", trace.inTransaction("INSERT users"), is(true));
        assertThat("the stored answer inside the transaction", trace.inTransaction("UPDATE idempotency_keys"), is(true));
        // the claim commits on its own, before the work: that is what tells a concurrent repeat "in progress" at once
        assertThat("the claim outside the transaction", trace.inTransaction("INSERT idempotency_keys"), is(false));
    }

    @Test
    void aHolderThatOutlivesItsLeaseWritesNothingAndTheRetryRunsOnce() throws Exception {
        String key = "k-" + UUID.randomUUID();
        String body = body();
        long before = store.count();
        faults.set(FaultName.LATENCY, new FaultSettings().enabled(true).latencyMs(HOLDER_LATENCY_MS));
        CompletableFuture<Response> holder = CompletableFuture.supplyAsync(() -> post(key, body, null));
        IdempotencyClaims.awaitClaim(database, key);

        // repeats are told "in progress" until the 1 s lease lapses; then one takes the key over and runs
        Response retry = await("a retry that runs").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> post(key, body, null), answer -> answer.statusCode() != 409);
        assertThat(retry.statusCode(), is(201));

        Response first = holder.get(15, TimeUnit.SECONDS);
        assertThat("the holder lost its lease", first.statusCode(), is(409));
        assertThat(first.jsonPath().getString("type"), is("https://flowlens.io/problems/idempotency-in-progress"));
        assertThat("one user, the retry's", store.count(), is(before + 1));

        faults.clear(FaultName.LATENCY);
        Response replay = post(key, body, null);
        assertThat(replay.statusCode(), is(201));
        assertThat(replay.header("Idempotent-Replayed"), is("true"));
        assertThat(replay.jsonPath().getLong("id"), is(retry.jsonPath().getLong("id")));
    }
}
