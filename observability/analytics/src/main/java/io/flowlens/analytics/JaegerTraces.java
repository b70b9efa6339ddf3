package io.flowlens.analytics;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Jaeger's HTTP query API v3 ({@code /api/v3/...}, OTLP JSON: {@code result.resourceSpans[].scopeSpans[].spans[]}),
 * read into {@link IndexedSpan}s so they compare field by field with the span documents. Jaeger answers 404 when a
 * trace or a search has nothing; that is an empty answer here, not an error.
 */
public final class JaegerTraces {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** OTLP span kinds by number (0 is unspecified). */
    private static final List<String> KINDS = List.of("UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER",
            "CONSUMER");
    private static final int STATUS_ERROR = 2;

    /** Jaeger could not answer; kept apart so the CLI does not blame Elasticsearch for a refused connection. */
    public static final class JaegerException extends IOException {

        JaegerException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final URI baseUrl;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    public JaegerTraces(URI baseUrl, HttpClient http) {
        this.baseUrl = baseUrl;
        this.http = http;
    }

    public URI baseUrl() {
        return baseUrl;
    }

    /** The spans of one trace, empty when Jaeger does not know it. */
    public List<IndexedSpan> trace(String traceId) throws IOException {
        return spans(get("/api/v3/traces/" + encode(traceId))).getOrDefault(traceId.toLowerCase(Locale.ROOT), List.of());
    }

    /** The spans of one trace with attributes and events, empty when Jaeger does not know it. */
    public List<TraceSpans.DetailedSpan> detailedTrace(String traceId) throws IOException {
        return TraceSpans.fromJaeger(get("/api/v3/traces/" + encode(traceId)), traceId);
    }

    /** The services Jaeger has seen. */
    public List<String> services() throws IOException {
        JsonNode answer = get("/api/v3/services");
        List<String> services = new ArrayList<>();
        answer.path("services").forEach(service -> services.add(service.asText()));
        return services;
    }

    /**
     * Whole traces (every span, also those outside the window) that have a span of {@code service} starting in the
     * window, at most {@code maxTraces} of them (Jaeger's {@code query.num_traces}), by trace id.
     */
    public Map<String, List<IndexedSpan>> find(String service, TimeWindow window, int maxTraces) throws IOException {
        return spans(get("/api/v3/traces?query.service_name=" + encode(service)
                + "&query.start_time_min=" + encode(window.start().toString())
                + "&query.start_time_max=" + encode(window.end().toString())
                + "&query.num_traces=" + maxTraces));
    }

    private JsonNode get(String pathAndQuery) throws IOException {
        URI uri = URI.create(baseUrl.toString().replaceAll("/+$", "") + pathAndQuery);
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JaegerException("interrupted while asking Jaeger " + uri, e);
        } catch (IOException e) {
            throw new JaegerException("cannot reach Jaeger at " + baseUrl + " (" + e + ")", e);
        }
        if (response.statusCode() == 404) {
            return json.createObjectNode();
        }
        if (response.statusCode() != 200) {
            throw new JaegerException("Jaeger answered HTTP " + response.statusCode() + " to " + uri + ": "
                    + response.body().lines().findFirst().orElse(""), null);
        }
        return json.readTree(response.body());
    }

    /** Spans of an OTLP JSON answer by (lower-case) trace id; one answer may hold several traces. */
    static Map<String, List<IndexedSpan>> spans(JsonNode answer) {
        Map<String, List<IndexedSpan>> traces = new LinkedHashMap<>();
        for (JsonNode resource : answer.path("result").path("resourceSpans")) {
            String service = "";
            for (JsonNode attribute : resource.path("resource").path("attributes")) {
                if (attribute.path("key").asText().equals("service.name")) {
                    service = attribute.path("value").path("stringValue").asText();
                }
            }
            for (JsonNode scope : resource.path("scopeSpans")) {
                for (JsonNode span : scope.path("spans")) {
                    IndexedSpan parsed = span(service, span);
                    traces.computeIfAbsent(parsed.traceId(), id -> new ArrayList<>()).add(parsed);
                }
            }
        }
        return traces;
    }

    private static IndexedSpan span(String service, JsonNode span) {
        long start = span.path("startTimeUnixNano").asLong();
        long end = span.path("endTimeUnixNano").asLong();
        int kind = span.path("kind").asInt(0);
        String dbSystem = "";
        for (JsonNode attribute : span.path("attributes")) {
            if (attribute.path("key").asText().equals("db.system")) {
                dbSystem = attribute.path("value").path("stringValue").asText();
            }
        }
        return new IndexedSpan(Instant.ofEpochSecond(0, start),
                span.path("traceId").asText().toLowerCase(Locale.ROOT),
                span.path("spanId").asText().toLowerCase(Locale.ROOT),
                span.path("parentSpanId").asText("").toLowerCase(Locale.ROOT),
                service, span.path("name").asText(),
                kind(kind),
                span.path("status").path("code").asInt(0) == STATUS_ERROR,
                (end - start) / 1_000_000.0, dbSystem);
    }

    /** An OTLP span kind number as its name. */
    static String kind(int kind) {
        return kind >= 0 && kind < KINDS.size() ? KINDS.get(kind) : String.valueOf(kind);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
