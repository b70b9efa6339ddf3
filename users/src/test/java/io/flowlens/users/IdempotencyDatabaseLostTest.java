package io.flowlens.users;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.flowlens.contracts.admin.model.FaultName;
import io.flowlens.contracts.admin.model.FaultSettings;
import io.flowlens.platform.db.TracedDatabase;
import io.flowlens.platform.faults.FaultInjector;
import io.flowlens.testing.ContractClient;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.restassured.http.ContentType.JSON;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * The database goes away between an idempotent POST's claim and its answer (found by a PostgreSQL
 * restart under traffic). The request answers 503 problem+json like any request without its database; releasing the
 * claim fails too, so the key keeps its lease until the lease lapses, and then a retry runs the request once. Before
 * the fix the failed release escaped the response filter after the 503 was mapped: Jersey could not answer at all.
 * This is the claim that commits first (the orchestrator's); a claim in the work's transaction goes with it.
 */
@HelidonTest
@AddConfig(key = "flowlens.idempotency.claim-commits-first", value = "true")
@AddConfig(key = "flowlens.idempotency.lease", value = "PT4S")
@AddConfig(key = "flowlens.db.connection-timeout-ms", value = "500")
class IdempotencyDatabaseLostTest {

    @Inject
    private UserStore store;

    @Inject
    private FaultInjector faults;

    @Inject
    private TracedDatabase database;

    @AfterEach
    void faultsOff() {
        faults.clear(FaultName.LATENCY);
        faults.clear(FaultName.POOL_EXHAUSTION);
    }

    private static Response post(String key, String body) {
        return ContractClient.given("users").header("Idempotency-Key", key).contentType(JSON).body(body).post("/users");
    }

    @Test
    void aDatabaseLostAfterTheClaimAnswers503AndTheRetryRunsOnceTheLeaseLapses() throws Exception {
        String key = "k-" + UUID.randomUUID();
        String body = "{\"name\":\"Lost\",\"email\":\"lost-" + UUID.randomUUID() + "@example.com\"}";
        long before = store.count();
        // longer than the lease: the claim, the repeat below and the pool fault all happen while the first waits
        faults.set(FaultName.LATENCY, new FaultSettings().enabled(true).latencyMs(6000));
        CompletableFuture<Response> first = CompletableFuture.supplyAsync(() -> post(key, body));
        IdempotencyClaims.awaitClaim(database, key);
        // the first request now waits in the latency fault, and a repeat is told "in progress"
        assertThat(post(key, body).statusCode(), is(409));
        // every pooled connection taken, as when the database server is gone: the work and the release both fail
        faults.set(FaultName.POOL_EXHAUSTION, new FaultSettings().enabled(true));

        Response answer = first.get(20, TimeUnit.SECONDS);
        assertThat(answer.statusCode(), is(503));
        assertThat(answer.contentType(), is("application/problem+json"));
        assertThat(answer.jsonPath().getString("type"), is("https://flowlens.io/problems/database-unavailable"));

        faultsOff();
        Response retry = await("a retry that runs").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> post(key, body), response -> response.statusCode() != 409);
        assertThat(retry.statusCode(), is(201));
        assertThat("one user, the retry's", store.count(), is(before + 1));
    }
}
