package io.flowlens.analytics;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import io.flowlens.exporter.elasticsearch.SpanFields;

/**
 * Every span of one trace with what a person inspects in it (attributes, events with exception stack traces, status
 * message), read from Jaeger's OTLP JSON or from the {@code flowlens-spans-*} documents: the same record from either
 * store, so a viewer can fall back from Jaeger to Elasticsearch without telling the two apart.
 */
public final class TraceSpans {

    /** Far more than a trace of this system has; a trace beyond it is cut, not read without bound. */
    static final int MAX_SPANS = 10_000;
    private static final int STATUS_ERROR = 2;

    private TraceSpans() {
    }

    /** One event of a span (an {@code exception} event carries {@code exception.stacktrace}). */
    public record SpanEvent(Instant time, String name, Map<String, String> attributes) {
    }

    /**
     * One span in full.
     *
     * @param attributes span attributes by OpenTelemetry name, values as text, sorted by name
     * @param status     {@code UNSET}, {@code OK} or {@code ERROR}
     */
    public record DetailedSpan(IndexedSpan span, Map<String, String> attributes, List<SpanEvent> events,
                               String status, String statusMessage) {
    }

    /** The spans of {@code traceId} in a Jaeger v3 answer ({@code result.resourceSpans[]...}), in answer order. */
    public static List<DetailedSpan> fromJaeger(JsonNode answer, String traceId) {
        List<DetailedSpan> spans = new ArrayList<>();
        String wanted = traceId.toLowerCase(Locale.ROOT);
        for (JsonNode resource : answer.path("result").path("resourceSpans")) {
            String service = otlpAttributes(resource.path("resource").path("attributes")).getOrDefault("service.name", "");
            for (JsonNode scope : resource.path("scopeSpans")) {
                for (JsonNode span : scope.path("spans")) {
                    if (!span.path("traceId").asText().toLowerCase(Locale.ROOT).equals(wanted)) {
                        continue;
                    }
                    Map<String, String> attributes = otlpAttributes(span.path("attributes"));
                    long start = span.path("startTimeUnixNano").asLong();
                    long end = span.path("endTimeUnixNano").asLong();
                    int kind = span.path("kind").asInt(0);
                    int code = span.path("status").path("code").asInt(0);
                    IndexedSpan indexed = new IndexedSpan(Instant.ofEpochSecond(0, start), wanted,
                            span.path("spanId").asText().toLowerCase(Locale.ROOT),
                            span.path("parentSpanId").asText("").toLowerCase(Locale.ROOT), service,
                            span.path("name").asText(), JaegerTraces.kind(kind), code == STATUS_ERROR,
                            (end - start) / 1_000_000.0, attributes.getOrDefault(SpanFields.DB_SYSTEM, ""));
                    List<SpanEvent> events = new ArrayList<>();
                    for (JsonNode event : span.path("events")) {
                        events.add(new SpanEvent(Instant.ofEpochSecond(0, event.path("timeUnixNano").asLong()),
                                event.path("name").asText(), otlpAttributes(event.path("attributes"))));
                    }
                    spans.add(new DetailedSpan(indexed, attributes, events,
                            code == STATUS_ERROR ? "ERROR" : code == 1 ? "OK" : "UNSET",
                            span.path("status").path("message").asText("")));
                }
            }
        }
        return spans;
    }

    /** One span document's {@code _source} (FIELDS.md): {@code attributes} and {@code events} as the exporter wrote them. */
    public static DetailedSpan fromDocument(JsonNode source) {
        List<SpanEvent> events = new ArrayList<>();
        for (JsonNode event : source.path(SpanFields.EVENTS)) {
            events.add(new SpanEvent(IndexedSpan.timestamp(event.get(SpanFields.TIMESTAMP)), event.path("name").asText(),
                    flatten(event.path("attributes"))));
        }
        return new DetailedSpan(IndexedSpan.fromSource(source), flatten(source.path(SpanFields.ATTRIBUTES)), events,
                IndexedSpan.text(source, SpanFields.STATUS).orElse("UNSET"),
                IndexedSpan.text(source, SpanFields.STATUS_MESSAGE).orElse(""));
    }

    /** Every span document of the trace, by start time; empty when none is indexed. */
    public static List<DetailedSpan> fromStore(SpanStore store, String traceId) throws IOException {
        Query trace = Query.of(q -> q.term(t -> t.field(SpanFields.TRACE_ID).value(traceId.toLowerCase(Locale.ROOT))));
        return store.search(s -> s.query(trace).size(MAX_SPANS)
                        .sort(o -> o.field(f -> f.field(SpanFields.TIMESTAMP).order(SortOrder.Asc))), JsonNode.class)
                .hits().hits().stream().map(Hit::source).map(TraceSpans::fromDocument).toList();
    }

    /** OTLP JSON {@code [{key, value: {stringValue|intValue|doubleValue|boolValue|arrayValue}}]} as text by key. */
    static Map<String, String> otlpAttributes(JsonNode attributes) {
        Map<String, String> values = new TreeMap<>();
        for (JsonNode attribute : attributes) {
            values.put(attribute.path("key").asText(), otlpValue(attribute.path("value")));
        }
        return values;
    }

    private static String otlpValue(JsonNode value) {
        if (value.has("arrayValue")) {
            List<String> items = new ArrayList<>();
            value.path("arrayValue").path("values").forEach(item -> items.add(otlpValue(item)));
            return String.join(", ", items);
        }
        Iterator<JsonNode> only = value.elements();
        return only.hasNext() ? only.next().asText() : "";
    }

    /** A flattened-or-nested object as dotted keys: the exporter may write either. */
    static Map<String, String> flatten(JsonNode object) {
        Map<String, String> values = new TreeMap<>();
        flatten("", object, values);
        return values;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> values) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> flatten(prefix + field.getKey() + ".", field.getValue(), values));
        } else if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(item.asText()));
            values.put(prefix.substring(0, prefix.length() - 1), String.join(", ", items));
        } else if (!node.isMissingNode() && !node.isNull() && !prefix.isEmpty()) {
            values.put(prefix.substring(0, prefix.length() - 1), node.asText());
        }
    }
}
