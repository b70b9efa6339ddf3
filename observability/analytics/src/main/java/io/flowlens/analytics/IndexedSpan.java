package io.flowlens.analytics;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The few fields of one span document (see FIELDS.md) that the analytics join and compare on: enough to link a
 * CLIENT span to the SERVER span it caused and to tell two stores' copies of a trace apart.
 *
 * @param parentSpanId empty on a root span
 * @param dbSystem     {@code db.system} of a database CLIENT span, empty otherwise
 */
public record IndexedSpan(Instant start, String traceId, String spanId, String parentSpanId, String service,
                          String name, String kind, boolean error, double durationMs, String dbSystem) {

    /** The {@code _source} fields {@link #fromSource} reads; asking for only these keeps paged reads small. */
    static final List<String> SOURCE_FIELDS = List.of("@timestamp", "trace_id", "span_id", "parent_span_id", "service",
            "name", "kind", "error", "duration_ms", "db.system", "db");

    public IndexedSpan {
        parentSpanId = parentSpanId == null ? "" : parentSpanId;
        dbSystem = dbSystem == null ? "" : dbSystem;
    }

    public boolean isRoot() {
        return parentSpanId.isEmpty();
    }

    /** Reads a span document's {@code _source}; dotted names may arrive as one key or as nested objects. */
    static IndexedSpan fromSource(JsonNode source) {
        return new IndexedSpan(timestamp(source.get("@timestamp")),
                text(source, "trace_id").orElse(""),
                text(source, "span_id").orElse(""),
                text(source, "parent_span_id").orElse(""),
                text(source, "service").orElse(""),
                text(source, "name").orElse(""),
                text(source, "kind").orElse(""),
                source.path("error").asBoolean(false),
                source.path("duration_ms").asDouble(0),
                text(source, "db.system").orElse(""));
    }

    /** A field by its dotted name, whether the writer nested it or not. */
    static Optional<String> text(JsonNode source, String dottedName) {
        JsonNode flat = source.get(dottedName);
        if (flat != null && !flat.isNull()) {
            return Optional.of(flat.asText());
        }
        JsonNode node = source;
        for (String part : dottedName.split("\\.")) {
            node = node.path(part);
        }
        return node.isMissingNode() || node.isNull() ? Optional.empty() : Optional.of(node.asText());
    }

    /** {@code @timestamp} as the date mapping accepts it: an ISO string or epoch milliseconds. */
    static Instant timestamp(JsonNode value) {
        if (value == null || value.isNull()) {
            return Instant.EPOCH;
        }
        if (value.isNumber()) {
            return Instant.ofEpochMilli(value.asLong());
        }
        return Instant.parse(value.asText());
    }
}
