package io.flowlens.exporter.elasticsearch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;

/**
 * Turns a finished span into the flat document described in {@code FIELDS.md} of this module: the seed's fields
 * ({@code service}, {@code error}, {@code duration_ms}, {@code method}, {@code status_code}, {@code @timestamp}) next
 * to the OpenTelemetry ones, so a Kibana user can type {@code error: true} instead of knowing the OTel model.
 */
final class SpanDocuments {

    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    private static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> HTTP_METHOD_OLD = AttributeKey.stringKey("http.method");
    private static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    private static final AttributeKey<Long> HTTP_STATUS_OLD = AttributeKey.longKey("http.status_code");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    private static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");
    private static final AttributeKey<String> EXCEPTION_MESSAGE = AttributeKey.stringKey("exception.message");
    /** Attributes copied to top-level fields of the same name, so they are typed and searchable without a prefix. */
    private static final List<String> TOP_LEVEL = List.of(SpanFields.URL_PATH, SpanFields.HTTP_ROUTE,
            SpanFields.DB_SYSTEM, SpanFields.DB_OPERATION_NAME, SpanFields.DB_COLLECTION_NAME);

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper(JSON);

    private SpanDocuments() {
    }

    /** The document id: a span is written once per trace and span id, so a retried bulk write cannot duplicate it. */
    static String id(SpanData span) {
        return span.getTraceId() + "-" + span.getSpanId();
    }

    /**
     * The span's document as the JSON bytes Elasticsearch receives, written straight from the span: no intermediate
     * map, whose building and generic serialization were the indexer's hottest code (a JFR profile of the span
     * indexer under load, perf/results/PROFILES.md "Span ingest").
     */
    static byte[] toJson(SpanData span) {
        ByteArrayBuilder bytes = new ByteArrayBuilder(1024);
        try (JsonGenerator json = JSON.createGenerator(bytes)) {
            write(span, json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the document of span " + span.getSpanId(), e); // in memory
        }
        return bytes.toByteArray();
    }

    /** The document of {@link #toJson} read back as Elasticsearch reads it: field names to JSON values. */
    static Map<String, Object> toDocument(SpanData span) {
        try {
            return MAPPER.readValue(toJson(span), new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(SpanData span, JsonGenerator json) throws IOException {
        Attributes attributes = span.getAttributes();
        json.writeStartObject();
        json.writeStringField(SpanFields.TIMESTAMP, timestamp(span.getStartEpochNanos()));
        json.writeStringField(SpanFields.SERVICE, span.getResource().getAttributes().get(SERVICE_NAME));
        json.writeStringField(SpanFields.NAME, span.getName());
        json.writeStringField(SpanFields.KIND, span.getKind().name());
        json.writeStringField(SpanFields.TRACE_ID, span.getTraceId());
        json.writeStringField(SpanFields.SPAN_ID, span.getSpanId());
        SpanContext parent = span.getParentSpanContext();
        if (parent.isValid()) {
            json.writeStringField(SpanFields.PARENT_SPAN_ID, parent.getSpanId());
        }
        json.writeNumberField(SpanFields.DURATION_MS, (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1_000_000.0);
        StatusCode status = span.getStatus().getStatusCode();
        json.writeBooleanField(SpanFields.ERROR, status == StatusCode.ERROR);
        json.writeStringField(SpanFields.STATUS, status.name());
        writeIfPresent(json, SpanFields.STATUS_MESSAGE, blankToNull(span.getStatus().getDescription()));
        writeIfPresent(json, SpanFields.ERROR_TYPE, attributes.get(ERROR_TYPE));
        writeIfPresent(json, SpanFields.METHOD, firstOf(attributes.get(HTTP_METHOD), attributes.get(HTTP_METHOD_OLD)));
        Long statusCode = firstOf(attributes.get(HTTP_STATUS), attributes.get(HTTP_STATUS_OLD));
        if (statusCode != null) {
            json.writeNumberField(SpanFields.STATUS_CODE, statusCode.intValue());
        }
        attributes.forEach((key, value) -> {
            if (key.getKey().startsWith(SpanFields.FLOWLENS_PREFIX) || TOP_LEVEL.contains(key.getKey())) {
                writeField(json, key.getKey(), value);
            }
        });
        writeEvents(json, span.getEvents());
        json.writeFieldName(SpanFields.ATTRIBUTES);
        writeMap(json, attributes);
        json.writeFieldName(SpanFields.RESOURCE);
        writeMap(json, span.getResource().getAttributes());
        json.writeStringField(SpanFields.SCOPE, span.getInstrumentationScopeInfo().getName());
        json.writeEndObject();
    }

    /** The first exception event's type and message as top-level fields, then every event. */
    private static void writeEvents(JsonGenerator json, List<EventData> events) throws IOException {
        if (events.isEmpty()) {
            return;
        }
        for (EventData event : events) {
            if ("exception".equals(event.getName())) {
                writeIfPresent(json, SpanFields.EXCEPTION_TYPE, event.getAttributes().get(EXCEPTION_TYPE));
                writeIfPresent(json, SpanFields.EXCEPTION_MESSAGE, event.getAttributes().get(EXCEPTION_MESSAGE));
                break;
            }
        }
        json.writeArrayFieldStart(SpanFields.EVENTS);
        for (EventData event : events) {
            json.writeStartObject();
            json.writeStringField(SpanFields.NAME, event.getName());
            json.writeStringField(SpanFields.TIMESTAMP, timestamp(event.getEpochNanos()));
            json.writeFieldName(SpanFields.ATTRIBUTES);
            writeMap(json, event.getAttributes());
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static void writeMap(JsonGenerator json, Attributes attributes) throws IOException {
        json.writeStartObject();
        attributes.forEach((key, value) -> writeField(json, key.getKey(), value));
        json.writeEndObject();
    }

    /** For {@link Attributes#forEach}, which takes no checked exception; {@link #toJson} unwraps it. */
    private static void writeField(JsonGenerator json, String name, Object value) {
        try {
            json.writeFieldName(name);
            writeValue(json, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An attribute value: a string, boolean, long or double, or a list of one of these. */
    private static void writeValue(JsonGenerator json, Object value) throws IOException {
        switch (value) {
            case String text -> json.writeString(text);
            case Boolean bool -> json.writeBoolean(bool);
            case Long number -> json.writeNumber(number);
            case Double number -> json.writeNumber(number);
            case List<?> list -> {
                json.writeStartArray();
                for (Object element : list) {
                    writeValue(json, element);
                }
                json.writeEndArray();
            }
            default -> json.writeString(String.valueOf(value));
        }
    }

    private static String timestamp(long epochNanos) {
        // millisecond precision: what an Elasticsearch `date` field keeps
        return Instant.ofEpochSecond(0, epochNanos).truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static void writeIfPresent(JsonGenerator json, String field, String value) throws IOException {
        if (value != null) {
            json.writeStringField(field, value);
        }
    }

    private static <T> T firstOf(T preferred, T fallback) {
        return preferred != null ? preferred : fallback;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
