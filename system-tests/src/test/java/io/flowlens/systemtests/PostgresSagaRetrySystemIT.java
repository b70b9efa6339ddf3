package io.flowlens.systemtests;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * {@link SagaRetrySystemIT}'s retries (charged once), compensation (the late payment voided) and crash recovery (the
 * orchestrator killed mid-payment, its flow cancelled and voided after restart) with every service on PostgreSQL.
 */
@ResourceLock(Lanes.SIDE)
class PostgresSagaRetrySystemIT extends SagaRetrySystemIT {

    @BeforeAll
    static void start() {
        startOn(PostgresDatabases.fresh(SystemUnderTest.side(), "saga"), "saga-postgres");
    }
}
