package io.flowlens.systemtests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Full flows one after another on a background thread, bounded by stop() and by a per-request timeout, one in four
 * of them declined: the traffic the outage tests ({@code OutageIT}) run through an outage.
 */
final class FlowTraffic {
    /**
     * One answered full flow (status -1: no answer at all). Its start and answer are {@link System#nanoTime()} read
     * just before the request and just after its answer, before the body is parsed. A start derived from a reading
     * after RestAssured's JsonPath getters (Groovy, since replaced by Jackson) was late by their time: 16 ms at the
     * median, 98 ms at the p99 and 582 ms at most in one run of TwoInstancesFailoverIT, enough to count a flow begun
     * before its kill as begun on the survivors alone (its one CI failure: a flow taken for begun 36 ms after all four
     * were dead, not whole).
     */
    record Flow(int status, long orderId, long paymentId, String orderStatus, String traceId, long startedAtNanos,
                long answeredAtNanos) {

        long millis() {
            return (answeredAtNanos - startedAtNanos) / 1_000_000;
        }

        static String summary(List<Flow> flows) {
            Map<Integer, Long> counts = new ConcurrentHashMap<>();
            flows.forEach(f -> counts.merge(f.status(), 1L, Long::sum));
            return counts.toString();
        }

        static long slowestMillis(List<Flow> flows) {
            return flows.stream().mapToLong(Flow::millis).max().orElse(0);
        }
    }

    private final List<Flow> flows = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    private FlowTraffic(String baseUrl, Duration requestTimeout) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        thread = Thread.ofPlatform().name("outage-traffic").start(() -> {
            int i = 0;
            while (running.get() && i < 2000) {
                String amount = i++ % 4 == 3 ? "2500.00" : "10.00";
                HttpRequest request = HttpRequest.newBuilder(
                        URI.create(baseUrl + "/demo/full-flow/" + (1 + i % 3) + "?amount=" + amount))
                        .timeout(requestTimeout).build();
                long start = System.nanoTime();
                try {
                    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                    long answered = System.nanoTime();
                    if (response.statusCode() == 200) {
                        JsonNode body = JsonHttp.json(response);
                        flows.add(new Flow(200, body.path("order_id").asLong(), body.path("payment_id").asLong(),
                                body.path("order_status").asText(null), body.path("trace_id").asText(null), start,
                                answered));
                    } else {
                        flows.add(new Flow(response.statusCode(), 0, 0, null, null, start, answered));
                    }
                } catch (IOException e) {
                    flows.add(new Flow(-1, 0, 0, null, null, start, System.nanoTime()));
                } catch (InterruptedException e) {
                    return;
                }
                ServiceProcesses.sleep(50);
            }
        });
    }

    /** Each request gives up (status -1) after 15 s. */
    static FlowTraffic start(String baseUrl) {
        return new FlowTraffic(baseUrl, Duration.ofSeconds(15));
    }

    static FlowTraffic start(String baseUrl, Duration requestTimeout) {
        return new FlowTraffic(baseUrl, requestTimeout);
    }

    /** Flows answered 200 so far: lets a test wait until the traffic flows, or flows again. */
    long answeredOk() {
        return flows.stream().filter(flow -> flow.status() == 200).count();
    }

    /** Flows answered (or given up) so far. */
    int count() {
        return flows.size();
    }

    List<Flow> stop() throws InterruptedException {
        running.set(false);
        thread.join(Duration.ofSeconds(30));
        return new ArrayList<>(flows);
    }
}
