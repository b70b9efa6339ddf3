package io.flowlens.systemtests;

/**
 * The system test classes run in two lanes side by side (JUnit's parallel execution, configured for failsafe in
 * system-tests/pom.xml; {@code -Dflowlens.test.parallel=false} runs one class at a time). Each class takes one lane's
 * lock, so each lane runs one class at a time, and the lanes share no stack: the main lane has the suite's main stack
 * and main service set ({@link SystemUnderTest#get()}), whose outages (Elasticsearch, Jaeger, the indexer and
 * PostgreSQL stopped or killed) its classes bring about one at a time; the side lane has {@link SystemUnderTest#side()}
 * and stacks, service sets and JVMs its classes start for themselves. On 2 cores the suite was CPU-bound only in part
 * (69 % of both cores one class at a time, PROFILES.md "What the system tests spend"): the outage, alert-window and
 * trace scenarios mostly wait, and the other lane's work fills those waits.
 */
final class Lanes {

    /** Classes on the main stack and the main service set. */
    static final String MAIN = "flowlens.lane.main";

    /** Classes on the side stack, or on stacks, service sets or JVMs of their own. */
    static final String SIDE = "flowlens.lane.side";

    private Lanes() {
    }
}
