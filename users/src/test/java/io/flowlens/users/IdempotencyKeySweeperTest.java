package io.flowlens.users;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import io.flowlens.platform.db.TracedDatabase;
import io.flowlens.platform.idempotency.IdempotencyKeySweeper;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;

/** Expired idempotency keys are deleted in bounded batches; keys within retention and live leases stay. */
@HelidonTest
@AddConfig(key = "flowlens.idempotency.retention", value = "PT1H")
@AddConfig(key = "flowlens.idempotency.sweep-batch", value = "3")
// the scheduled round stays out of the way: the test runs its own
@AddConfig(key = "io.flowlens.platform.idempotency.IdempotencyKeySweeper.sweep.schedule.initial-delay", value = "3600")
class IdempotencyKeySweeperTest {

    /** 20 batches of 3 rows. */
    private static final long ONE_ROUND = 60;

    @Inject
    private TracedDatabase database;

    @Inject
    private IdempotencyKeySweeper sweeper;

    private String key(String prefix, Duration age, Integer status, Duration leaseLeft) {
        String key = prefix + "-" + UUID.randomUUID();
        Instant now = Instant.now();
        database.update("idempotency_keys", "INSERT INTO idempotency_keys (idempotency_key, request_hash, status,"
                + " lease_until, created_at) VALUES (?, 'h', ?, ?, ?)", statement -> {
                    statement.setString(1, key);
                    statement.setObject(2, status);
                    statement.setTimestamp(3, leaseLeft == null ? null : Timestamp.from(now.plus(leaseLeft)));
                    statement.setTimestamp(4, Timestamp.from(now.minus(age)));
                });
        return key;
    }

    private List<String> remaining(List<String> keys) {
        return keys.stream().filter(key -> IdempotencyClaims.exists(database, key)).toList();
    }

    @Test
    void expiredKeysGoAndTheRestStay() {
        String answered = key("old-answered", Duration.ofHours(2), 201, null);
        String crashed = key("old-crashed", Duration.ofHours(2), null, Duration.ofMinutes(-90));
        String recent = key("recent", Duration.ofMinutes(5), 201, null);
        String held = key("old-but-held", Duration.ofHours(2), null, Duration.ofMinutes(5));

        long deleted = sweeper.deleteExpired(Instant.now());

        assertThat(deleted, greaterThanOrEqualTo(2L));
        assertThat(remaining(List.of(answered, crashed, recent, held)), containsInAnyOrder(recent, held));
    }

    @Test
    void oneRoundDeletesAtMostItsBatchesAndTheNextGoesOn() {
        // 3 rows a batch, 20 batches a round: 61 expired keys need a second round
        List<String> keys = IntStream.range(0, 61)
                .mapToObj(i -> key("bulk", Duration.ofHours(3), 200, null)).toList();
        long first = sweeper.deleteExpired(Instant.now());
        assertThat(first, is(ONE_ROUND));
        assertThat(remaining(keys).size(), greaterThanOrEqualTo(1));
        sweeper.deleteExpired(Instant.now());
        assertThat(remaining(keys), is(List.of()));
    }
}
