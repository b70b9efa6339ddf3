package io.flowlens.exporter.elasticsearch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.sdk.trace.data.SpanData;

/**
 * Just enough of Elasticsearch for the exporter: the index template PUT and {@code _bulk}, answering each document with
 * the status a test chooses from how often that span was sent before. Records every attempt with its time.
 */
final class FakeElasticsearch implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One document of one bulk request as the fake received it. */
    record Attempt(String spanId, int number, long nanos) {
    }

    private final HttpServer server;
    private final Map<String, AtomicInteger> attemptsPerSpan = new ConcurrentHashMap<>();
    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    private final List<String> indexed = new CopyOnWriteArrayList<>();
    private final List<JsonNode> templates = new CopyOnWriteArrayList<>();
    private final AtomicInteger bulkRequests = new AtomicInteger();
    private volatile IntUnaryOperator statusForAttempt = attempt -> 201;
    private volatile Duration bulkLatency = Duration.ZERO;
    private volatile Set<String> rejectedSpanIds = Set.of();

    FakeElasticsearch() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The status for a span's n-th attempt (1-based): 201 indexes it, 429 says "overloaded", others reject it. */
    FakeElasticsearch answering(IntUnaryOperator statusForAttempt) {
        this.statusForAttempt = statusForAttempt;
        return this;
    }

    /** These spans' documents are rejected (400) whatever the attempt. */
    FakeElasticsearch rejecting(Collection<String> spanIds) {
        this.rejectedSpanIds = Set.copyOf(spanIds);
        return this;
    }

    FakeElasticsearch answeringAfter(Duration latency) {
        this.bulkLatency = latency;
        return this;
    }

    List<Attempt> attemptsOf(String spanId) {
        return attempts.stream().filter(attempt -> attempt.spanId().equals(spanId)).toList();
    }

    List<String> indexedSpanIds() {
        return List.copyOf(indexed);
    }

    /** The bodies of the index template requests, in order. */
    List<JsonNode> templates() {
        return List.copyOf(templates);
    }

    int bulkRequests() {
        return bulkRequests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            byte[] request = body.readAllBytes();
            if (exchange.getRequestURI().getPath().startsWith("/_bulk")) {
                sleep(bulkLatency);
                answer(exchange, 200, bulk(new String(request, StandardCharsets.UTF_8)));
            } else {
                if (exchange.getRequestURI().getPath().startsWith("/_index_template/")) {
                    templates.add(JSON.readTree(request));
                }
                answer(exchange, 200, JSON.createObjectNode().put("acknowledged", true)); // the index template
            }
        }
    }

    private ObjectNode bulk(String ndjson) throws IOException {
        bulkRequests.incrementAndGet();
        List<String> lines = ndjson.lines().filter(line -> !line.isBlank()).toList();
        ArrayNode items = JSON.createArrayNode();
        boolean errors = false;
        for (int i = 0; i + 1 < lines.size(); i += 2) {
            String index = JSON.readTree(lines.get(i)).path("index").path("_index").asText();
            JsonNode document = JSON.readTree(lines.get(i + 1));
            String spanId = document.path("span_id").asText();
            int number = attemptsPerSpan.computeIfAbsent(spanId, id -> new AtomicInteger()).incrementAndGet();
            attempts.add(new Attempt(spanId, number, System.nanoTime()));
            int status = rejectedSpanIds.contains(spanId) ? 400 : statusForAttempt.applyAsInt(number);
            ObjectNode item = JSON.createObjectNode().put("_index", index).put("_id", spanId).put("status", status);
            if (status < 300) {
                indexed.add(spanId);
                item.put("result", "created").put("_version", 1).put("_seq_no", 0).put("_primary_term", 1);
                item.putObject("_shards").put("total", 1).put("successful", 1).put("failed", 0);
            } else {
                errors = true;
                item.putObject("error").put("type", status == 429 ? "es_rejected_execution_exception"
                        : "document_parsing_exception").put("reason", "answered " + status + " by the test");
            }
            items.add(JSON.createObjectNode().set("index", item));
        }
        ObjectNode response = JSON.createObjectNode().put("took", 1).put("errors", errors);
        response.set("items", items);
        return response;
    }

    private static void answer(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        // the Java client refuses answers without this header (it checks it is talking to Elasticsearch)
        exchange.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(Duration duration) {
        if (duration.isZero()) {
            return;
        }
        try {
            Thread.sleep(duration); // stands for Elasticsearch's own processing time, not a wait for a condition
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }

    static List<String> spanIds(List<SpanData> spans) {
        List<String> ids = new ArrayList<>();
        spans.forEach(span -> ids.add(span.getSpanId()));
        return ids;
    }
}
