package io.flowlens.users;

import java.time.Duration;

import io.flowlens.platform.db.TracedDatabase;

import static org.awaitility.Awaitility.await;

/**
 * Waits until a request sent in the background has claimed its idempotency key. A test that instead polls with
 * repeats of the same request races it: on a loaded machine a repeat can arrive first and win the claim itself.
 */
final class IdempotencyClaims {

    private IdempotencyClaims() {
    }

    static void awaitClaim(TracedDatabase database, String key) {
        await("the claim of " + key).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> exists(database, key));
    }

    /** Whether idempotency_keys holds the key (claimed, answered or expired but not yet swept). */
    static boolean exists(TracedDatabase database, String key) {
        return database.queryOne("idempotency_keys", "SELECT 1 FROM idempotency_keys WHERE idempotency_key = ?",
                statement -> statement.setString(1, key), row -> true).isPresent();
    }
}
