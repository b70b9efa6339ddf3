package io.flowlens.systemtests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.restassured.RestAssured;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/**
 * The span indexer is stopped for a while under traffic: Jaeger's otlphttp exporter keeps the batches in its sending
 * queue and retries them, so once the indexer is back every span of every flow, counted trace by trace against what
 * Jaeger stored, is in {@code flowlens-spans-*}, and Jaeger counted no span as failed or not enqueued on that path.
 */
@ResourceLock(Lanes.MAIN)
class SpanIndexerOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(10);

    private static SystemUnderTest system;

    @BeforeAll
    static void start() {
        system = SystemUnderTest.get();
    }

    @Test
    void anIndexerOutageLosesNoSpan() throws Exception {
        long failedBefore = PrometheusMetrics.jaegerToIndexer(system, "otelcol_exporter_send_failed_spans_total");
        long notQueuedBefore = PrometheusMetrics.jaegerToIndexer(system, "otelcol_exporter_enqueue_failed_spans_total");
        List<String> traceIds = new ArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread traffic = Thread.ofPlatform().name("indexer-outage-traffic").start(() -> {
            int i = 0;
            while (running.get()) {
                String traceId = RestAssured.given().baseUri(system.orchestrator())
                        .queryParam("amount", i++ % 4 == 3 ? "2500.00" : "10.00")
                        .get("/demo/full-flow/" + (1 + i % 3)).then().statusCode(200).extract().path("trace_id");
                synchronized (traceIds) {
                    traceIds.add(traceId);
                }
            }
        });
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> size(traceIds) >= 3);

        Path pidFile = system.instanceDir().resolve("span-indexer/span-indexer.pid");
        ProcessHandle indexer = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).orElseThrow();
        indexer.destroy();
        indexer.onExit().get(30, TimeUnit.SECONDS);
        int flowsBefore = size(traceIds);
        // while it is down, Jaeger's queue for it fills up instead of dropping
        AtomicLong mostQueued = new AtomicLong();
        long downUntil = System.nanoTime() + OUTAGE.toNanos();
        Awaitility.await().atMost(OUTAGE.plusSeconds(5)).pollInterval(Duration.ofMillis(500)).until(() -> {
            mostQueued.accumulateAndGet(PrometheusMetrics.jaegerToIndexer(system, "otelcol_exporter_queue_size"),
                    Math::max);
            return System.nanoTime() >= downUntil;
        });
        int flowsDuringOutage = size(traceIds) - flowsBefore;
        SystemUnderTest.stack(system.root(), "up"); // starts what is missing: the indexer
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> size(traceIds) >= flowsBefore + flowsDuringOutage + 3);
        running.set(false);
        traffic.join(Duration.ofSeconds(30));

        assertThat("flows answered while the indexer was down", flowsDuringOutage, greaterThan(0));
        assertThat("Jaeger queued batches for the indexer while it was down", mostQueued.get(), greaterThan(0L));
        // Jaeger's storage path was never disturbed: its trace is the count to reach, trace by trace
        List<String> flows = List.copyOf(traceIds);
        TraceShapeIT.awaitCompleteTrace(system, flows.getLast()); // the last one stored: the earlier ones are too
        List<Long> stored = Parallel.map(flows, traceId -> (long) system.jaeger().trace(traceId).size());
        Map<String, Long> expected = new LinkedHashMap<>();
        for (int i = 0; i < flows.size(); i++) {
            expected.put(flows.get(i), stored.get(i));
        }
        assertThat("Jaeger stored every flow", expected.values().stream().filter(spans -> spans == 0).count(), is(0L));
        // untilAsserted: a timeout reports the last poll's missing spans per trace (an alias string would be built
        // once, before the first poll)
        Awaitility.await("every span of " + expected.size() + " flows in flowlens-spans-*")
                .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    Map<String, Long> found = SpanCounts.perTrace(system, "flowlens-spans-*", "trace_id",
                            expected.keySet());
                    Map<String, Long> missing = new LinkedHashMap<>();
                    expected.forEach((traceId, spans) -> {
                        long foundSpans = found.getOrDefault(traceId, 0L);
                        if (foundSpans != spans) {
                            missing.put(traceId, spans - foundSpans);
                        }
                    });
                    assertThat("spans missing per trace", missing, is(Map.of()));
                });
        assertThat("Jaeger gave up no batch for the indexer",
                PrometheusMetrics.jaegerToIndexer(system, "otelcol_exporter_send_failed_spans_total") - failedBefore,
                is(0L));
        assertThat("Jaeger's queue for the indexer never overflowed",
                PrometheusMetrics.jaegerToIndexer(system, "otelcol_exporter_enqueue_failed_spans_total") - notQueuedBefore,
                is(0L));
        String line = String.format("outage=span-indexer seconds=%d flows=%d during-outage=%d traces-checked=%d"
                + " spans-lost=0 jaeger-queue-max-batches=%d%n", OUTAGE.toSeconds(), traceIds.size(), flowsDuringOutage,
                expected.size(), mostQueued.get());
        System.out.print(line);
        Files.writeString(system.root().resolve("system-tests/target/outages.txt"), line,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    private static int size(List<String> traceIds) {
        synchronized (traceIds) {
            return traceIds.size();
        }
    }
}
