package io.flowlens.exporter.elasticsearch;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    private SpanDocuments() {
    }

    /** The document id: a span is written once per trace and span id, so a retried bulk write cannot duplicate it. */
    static String id(SpanData span) {
        return span.getTraceId() + "-" + span.getSpanId();
    }

    static Map<String, Object> toDocument(SpanData span) {
        Attributes attributes = span.getAttributes();
        Map<String, Object> document = new LinkedHashMap<>();
        document.put(SpanFields.TIMESTAMP, timestamp(span.getStartEpochNanos()));
        document.put(SpanFields.SERVICE, span.getResource().getAttributes().get(SERVICE_NAME));
        document.put(SpanFields.NAME, span.getName());
        document.put(SpanFields.KIND, span.getKind().name());
        document.put(SpanFields.TRACE_ID, span.getTraceId());
        document.put(SpanFields.SPAN_ID, span.getSpanId());
        SpanContext parent = span.getParentSpanContext();
        if (parent.isValid()) {
            document.put(SpanFields.PARENT_SPAN_ID, parent.getSpanId());
        }
        document.put(SpanFields.DURATION_MS, (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1_000_000.0);
        StatusCode status = span.getStatus().getStatusCode();
        document.put(SpanFields.ERROR, status == StatusCode.ERROR);
        document.put(SpanFields.STATUS, status.name());
        putIfPresent(document, SpanFields.STATUS_MESSAGE, blankToNull(span.getStatus().getDescription()));
        putIfPresent(document, SpanFields.ERROR_TYPE, attributes.get(ERROR_TYPE));
        putIfPresent(document, SpanFields.METHOD, firstOf(attributes.get(HTTP_METHOD), attributes.get(HTTP_METHOD_OLD)));
        Long statusCode = firstOf(attributes.get(HTTP_STATUS), attributes.get(HTTP_STATUS_OLD));
        if (statusCode != null) {
            document.put(SpanFields.STATUS_CODE, statusCode.intValue());
        }
        attributes.forEach((key, value) -> {
            if (key.getKey().startsWith(SpanFields.FLOWLENS_PREFIX) || TOP_LEVEL.contains(key.getKey())) {
                document.put(key.getKey(), value);
            }
        });
        addEvents(document, span.getEvents());
        document.put(SpanFields.ATTRIBUTES, asMap(attributes));
        document.put(SpanFields.RESOURCE, asMap(span.getResource().getAttributes()));
        document.put(SpanFields.SCOPE, span.getInstrumentationScopeInfo().getName());
        return document;
    }

    private static void addEvents(Map<String, Object> document, List<EventData> events) {
        if (events.isEmpty()) {
            return;
        }
        List<Map<String, Object>> list = new ArrayList<>(events.size());
        for (EventData event : events) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put(SpanFields.NAME, event.getName());
            entry.put(SpanFields.TIMESTAMP, timestamp(event.getEpochNanos()));
            entry.put(SpanFields.ATTRIBUTES, asMap(event.getAttributes()));
            list.add(entry);
            if ("exception".equals(event.getName()) && !document.containsKey(SpanFields.EXCEPTION_TYPE)) {
                putIfPresent(document, SpanFields.EXCEPTION_TYPE, event.getAttributes().get(EXCEPTION_TYPE));
                putIfPresent(document, SpanFields.EXCEPTION_MESSAGE, event.getAttributes().get(EXCEPTION_MESSAGE));
            }
        }
        document.put(SpanFields.EVENTS, list);
    }

    private static Map<String, Object> asMap(Attributes attributes) {
        Map<String, Object> map = new LinkedHashMap<>();
        attributes.forEach((key, value) -> map.put(key.getKey(), value));
        return map;
    }

    private static String timestamp(long epochNanos) {
        // millisecond precision: what an Elasticsearch `date` field keeps
        return Instant.ofEpochSecond(0, epochNanos).truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static void putIfPresent(Map<String, Object> document, String field, Object value) {
        if (value != null) {
            document.put(field, value);
        }
    }

    private static <T> T firstOf(T preferred, T fallback) {
        return preferred != null ? preferred : fallback;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
