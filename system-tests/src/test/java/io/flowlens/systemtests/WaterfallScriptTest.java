package io.flowlens.systemtests;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * bin/waterfall.py's wait for a trace that reaches Jaeger's query API in pieces, as it does when the services' batches
 * land up to 2 s apart: here the callee's spans come first and stay alone for 2.5 s. Its last line counts what it
 * printed. (FullFlowSystemIT runs it against the real stack; this fixes the order the pieces come in.)
 */
class WaterfallScriptTest {

    private static final Path ROOT = Path.of(System.getProperty("flowlens.root", "..")).toAbsolutePath().normalize();
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static final String ORCHESTRATOR = resource("orchestrator", String.join(",",
            span("00000000000000a1", "", "GET /demo/full-flow/{userId}", 2, 0, 90, "http.status_code"),
            span("00000000000000a2", "00000000000000a1", "HTTP POST", 3, 10, 60, "http.status_code")));
    private static final String PAYMENTS = resource("payments", String.join(",",
            span("00000000000000b1", "00000000000000a2", "POST /payments", 2, 15, 55, "http.status_code"),
            span("00000000000000b2", "00000000000000b1", "payments.authorize", 1, 20, 50, null),
            span("00000000000000b3", "00000000000000b2", "INSERT payments", 3, 25, 30, null)));

    @Test
    void waitsForTheCallersSpansWhenTheCalleesComeFirst() throws Exception {
        String output = waterfallOf(sinceFirstRequestMs -> sinceFirstRequestMs < 2_500
                ? answer(PAYMENTS) : answer(ORCHESTRATOR + "," + PAYMENTS));
        assertThat(output, output.strip(), endsWith("5 spans, 2 services (orchestrator, payments), 0 error span(s), 90.0 ms"));
    }

    @Test
    void aTraceBegunOutsideIsPrintedOnceItStopsGrowing() throws Exception {
        // its root's parent is the caller's (a traceparent header): it cannot look whole, so it waits out 3 s of no change
        long began = System.nanoTime();
        String output = waterfallOf(sinceFirstRequestMs -> answer(PAYMENTS));
        assertThat(output, output.strip(), endsWith("3 spans, 1 services (payments), 0 error span(s), 40.0 ms"));
        assertThat("waited for the trace to settle", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began),
                greaterThanOrEqualTo(3_000L));
    }

    /** Runs the script against a query API that answers {@code answer(ms since its first request)}; its output. */
    private static String waterfallOf(LongFunction<String> answer) throws IOException, InterruptedException {
        HttpServer jaeger = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        long[] first = {0};
        jaeger.createContext("/api/v3/traces/" + TRACE, exchange -> {
            synchronized (first) {
                if (first[0] == 0) {
                    first[0] = System.nanoTime();
                }
            }
            byte[] body = answer.apply(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - first[0]))
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jaeger.start();
        try {
            String output = run(ROOT, TRACE, "http://127.0.0.1:" + jaeger.getAddress().getPort());
            assertThat(output, startsWith("service"));
            return output;
        } finally {
            jaeger.stop(0);
        }
    }

    /** Runs bin/waterfall.py on {@code traceId} against the query API at {@code jaeger}; its output, once it exited 0. */
    static String run(Path root, String traceId, String jaeger) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("python3", root.resolve("bin/waterfall.py").toString(), traceId, jaeger)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat("bin/waterfall.py finished", process.waitFor(30, TimeUnit.SECONDS), is(true));
        assertThat("exit code; output:\n" + output, process.exitValue(), is(0));
        return output;
    }

    private static String answer(String resourceSpans) {
        return "{\"result\":{\"resourceSpans\":[" + resourceSpans + "]}}";
    }

    private static String resource(String service, String spans) {
        return "{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"" + service
                + "\"}}]},\"scopeSpans\":[{\"spans\":[" + spans + "]}]}";
    }

    /** A span as the query API v3 gives it; {@code answered}: the attribute that marks an answered HTTP call, or null. */
    private static String span(String id, String parent, String name, int kind, long startMs, long endMs, String answered) {
        List<String> attributes = answered == null ? List.of()
                : List.of("{\"key\":\"" + answered + "\",\"value\":{\"intValue\":\"200\"}}");
        return "{\"traceId\":\"" + TRACE + "\",\"spanId\":\"" + id + "\"" + (parent.isEmpty() ? "" : ",\"parentSpanId\":\""
                + parent + "\"") + ",\"name\":\"" + name + "\",\"kind\":" + kind + ",\"startTimeUnixNano\":\""
                + startMs * 1_000_000 + "\",\"endTimeUnixNano\":\"" + endMs * 1_000_000 + "\",\"attributes\":["
                + String.join(",", attributes) + "],\"status\":{}}";
    }
}
