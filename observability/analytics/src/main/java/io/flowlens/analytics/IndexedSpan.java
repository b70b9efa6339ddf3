package io.flowlens.analytics;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowlens.exporter.elasticsearch.SpanFields;

/**
 * The few fields of one span document (see FIELDS.md) that the analytics join and compare on: enough to link a
 * CLIENT span to the SERVER span it caused and to tell two stores' copies of a trace apart.
 *
 * @param parentSpanId empty when the span has no parent; a parent may also be outside the trace's indexed spans (a
 *                     caller's {@code traceparent}), see {@link SlowestTracesReport#entrySpan}
 * @param dbSystem     {@code db.system} of a database CLIENT span, empty otherwise
 */
public record IndexedSpan(Instant start, String traceId, String spanId, String parentSpanId, String service,
                          String name, String kind, boolean error, double durationMs, String dbSystem) {

    /** The object a writer that nests dotted names puts {@code db.system} in. */
    private static final String DB_OBJECT = SpanFields.DB_SYSTEM.substring(0, SpanFields.DB_SYSTEM.indexOf('.'));

    /** The {@code _source} fields {@link #fromSource} reads; asking for only these keeps paged reads small. */
    public static final List<String> SOURCE_FIELDS = List.of(SpanFields.TIMESTAMP, SpanFields.TRACE_ID, SpanFields.SPAN_ID,
            SpanFields.PARENT_SPAN_ID, SpanFields.SERVICE, SpanFields.NAME, SpanFields.KIND, SpanFields.ERROR,
            SpanFields.DURATION_MS, SpanFields.DB_SYSTEM, DB_OBJECT);

    public IndexedSpan {
        parentSpanId = parentSpanId == null ? "" : parentSpanId;
        dbSystem = dbSystem == null ? "" : dbSystem;
    }

    /** No parent at all; a trace's entry span may have one elsewhere (see {@link SlowestTracesReport#entrySpan}). */
    public boolean hasNoParent() {
        return parentSpanId.isEmpty();
    }

    /** Reads a span document's {@code _source}; dotted names may arrive as one key or as nested objects. */
    public static IndexedSpan fromSource(JsonNode source) {
        return new IndexedSpan(timestamp(source.get(SpanFields.TIMESTAMP)),
                text(source, SpanFields.TRACE_ID).orElse(""),
                text(source, SpanFields.SPAN_ID).orElse(""),
                text(source, SpanFields.PARENT_SPAN_ID).orElse(""),
                text(source, SpanFields.SERVICE).orElse(""),
                text(source, SpanFields.NAME).orElse(""),
                text(source, SpanFields.KIND).orElse(""),
                source.path(SpanFields.ERROR).asBoolean(false),
                source.path(SpanFields.DURATION_MS).asDouble(0),
                text(source, SpanFields.DB_SYSTEM).orElse(""));
    }

    /** A field by its dotted name, whether the writer nested it or not. */
    public static Optional<String> text(JsonNode source, String dottedName) {
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
