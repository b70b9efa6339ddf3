package io.flowlens.systemtests;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Jaeger's HTTP query API v3 (the legacy /api/traces is gone after Jaeger 2.13), read through {@link JsonHttp}: the
 * tests poll a trace every 100 ms until it is whole, for hundreds of traces a class.
 */
final class JaegerQuery {

    private final String baseUrl;

    JaegerQuery(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** The trace's spans, or an empty list while Jaeger does not know it yet. */
    List<TraceSpan> trace(String traceId) {
        HttpResponse<String> response = JsonHttp.get(baseUrl + "/api/v3/traces/" + traceId);
        if (response.statusCode() == 404) {
            return List.of();
        }
        if (response.statusCode() == 500) {
            throw new IncompleteTraceRefused("Jaeger answered 500 for trace " + traceId + ": " + response.body());
        }
        if (response.statusCode() != 200) {
            throw new AssertionError("Jaeger answered " + response.statusCode() + " for trace " + traceId + ": "
                    + response.body());
        }
        return parse(JsonHttp.json(response));
    }

    /**
     * Jaeger 2.13's query service panics (HTTP 500, empty body) on a trace whose span points to a parent it does not
     * have yet: its clock-skew adjuster adds a warning to a read-only span (jaegertracing/jaeger#8002, open; v1.76.0
     * is the newest `go install`-able tag). A trace still arriving can be in that state for a moment.
     */
    static final class IncompleteTraceRefused extends AssertionError {
        IncompleteTraceRefused(String message) {
            super(message);
        }
    }

    /** Polls until {@code complete} holds for the trace's spans; fails with what it saw at the deadline. */
    List<TraceSpan> awaitTrace(String traceId, Predicate<List<TraceSpan>> complete, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<TraceSpan> spans = List.of();
        IncompleteTraceRefused refused = null;
        while (System.nanoTime() < deadline) {
            try {
                spans = trace(traceId);
                refused = null;
                if (complete.test(spans)) {
                    return spans;
                }
            } catch (IncompleteTraceRefused e) {
                refused = e; // asked again until the deadline: the missing parent is usually on its way
            }
            ServiceProcesses.sleep(100);
        }
        if (refused != null) {
            throw refused;
        }
        throw new AssertionError("trace " + traceId + " incomplete after " + timeout + "; spans: "
                + spans.stream().map(s -> s.service() + ":" + s.name()).toList());
    }

    /**
     * The trace once nothing more has come for {@code quiet}: all of it, when {@code quiet} is longer than the services'
     * export delay (2 s). For checking a tool's own idea of a whole trace against.
     */
    List<TraceSpan> awaitSettled(String traceId, Duration quiet, Duration timeout) {
        return awaitTrace(traceId, new UnchangedFor(quiet), timeout);
    }

    /** Holds once the trace, not empty, has kept its size for {@code quiet}; one per wait (it keeps the last size). */
    private static final class UnchangedFor implements Predicate<List<TraceSpan>> {

        private final long quietNanos;
        private int size = -1;
        private long since;

        UnchangedFor(Duration quiet) {
            this.quietNanos = quiet.toNanos();
        }

        @Override
        public boolean test(List<TraceSpan> spans) {
            long now = System.nanoTime();
            if (spans.size() != size) {
                size = spans.size();
                since = now;
                return false;
            }
            return size > 0 && now - since >= quietNanos;
        }
    }

    List<String> services() {
        List<String> services = new ArrayList<>();
        JsonHttp.json(JsonHttp.ok(JsonHttp.get(baseUrl + "/api/v3/services"))).path("services")
                .forEach(service -> services.add(service.asText()));
        return services;
    }

    private static List<TraceSpan> parse(JsonNode answer) {
        List<TraceSpan> spans = new ArrayList<>();
        for (JsonNode resource : answer.path("result").path("resourceSpans")) {
            String service = attributes(resource.path("resource").path("attributes")).get("service.name");
            for (JsonNode scope : resource.path("scopeSpans")) {
                for (JsonNode span : scope.path("spans")) {
                    spans.add(new TraceSpan(service,
                            text(span, "traceId"),
                            text(span, "spanId"),
                            text(span, "parentSpanId"),
                            text(span, "name"),
                            span.path("kind").asInt(0),
                            span.path("status").path("code").asInt(0),
                            Long.parseLong(span.path("startTimeUnixNano").asText()),
                            Long.parseLong(span.path("endTimeUnixNano").asText()),
                            attributes(span.path("attributes"))));
                }
            }
        }
        return spans;
    }

    /** The field's text, or null when it is absent (a root span has no parentSpanId). */
    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** Each attribute's key and its one typed value ({"stringValue": ...}, {"intValue": ...}, ...) as text. */
    private static Map<String, String> attributes(JsonNode list) {
        Map<String, String> attributes = new HashMap<>();
        for (JsonNode attribute : list) {
            Iterator<JsonNode> typed = attribute.path("value").elements();
            JsonNode value = typed.hasNext() ? typed.next() : null;
            attributes.put(attribute.path("key").asText(),
                    value == null ? "" : value.isValueNode() ? value.asText() : value.toString());
        }
        return attributes;
    }
}
