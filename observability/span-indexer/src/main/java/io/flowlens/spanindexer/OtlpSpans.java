package io.flowlens.spanindexer;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;

/**
 * Turns an OTLP {@code ExportTraceServiceRequest} into {@link SpanData}: one {@link ReceivedSpan} per span, carrying
 * its resource and instrumentation scope. A span without a valid trace or span id cannot become a document (its id and
 * its trace would be "000…"), so it is rejected and counted, and the rest of the request still goes through.
 */
final class OtlpSpans {

    private static final HexFormat HEX = HexFormat.of();

    private OtlpSpans() {
    }

    /** The spans of one request, and how many of them could not be converted (with the first reason). */
    record Conversion(List<SpanData> spans, int rejected, String firstProblem) {
    }

    static Conversion convert(ExportTraceServiceRequest request) {
        List<SpanData> spans = new ArrayList<>();
        int rejected = 0;
        String firstProblem = null;
        for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
            io.opentelemetry.sdk.resources.Resource resource = resource(resourceSpans);
            for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                InstrumentationScopeInfo scope = scope(scopeSpans);
                for (Span span : scopeSpans.getSpansList()) {
                    SpanContext context = context(span.getTraceId().toByteArray(), span.getSpanId().toByteArray());
                    if (!context.isValid()) {
                        rejected++;
                        if (firstProblem == null) {
                            firstProblem = "span '" + span.getName() + "' has no valid trace id (16 bytes) and span id"
                                    + " (8 bytes), both not all zero";
                        }
                        continue;
                    }
                    spans.add(span(resource, scope, context, span));
                }
            }
        }
        return new Conversion(List.copyOf(spans), rejected, firstProblem);
    }

    private static ReceivedSpan span(io.opentelemetry.sdk.resources.Resource resource, InstrumentationScopeInfo scope,
                                     SpanContext context, Span span) {
        SpanContext parent = span.getParentSpanId().isEmpty()
                ? SpanContext.getInvalid()
                : context(span.getTraceId().toByteArray(), span.getParentSpanId().toByteArray());
        List<EventData> events = new ArrayList<>(span.getEventsCount());
        for (Span.Event event : span.getEventsList()) {
            Attributes attributes = attributes(event.getAttributesList());
            events.add(EventData.create(event.getTimeUnixNano(), event.getName(), attributes,
                    attributes.size() + event.getDroppedAttributesCount()));
        }
        List<LinkData> links = new ArrayList<>(span.getLinksCount());
        for (Span.Link link : span.getLinksList()) {
            Attributes attributes = attributes(link.getAttributesList());
            links.add(LinkData.create(context(link.getTraceId().toByteArray(), link.getSpanId().toByteArray()),
                    attributes, attributes.size() + link.getDroppedAttributesCount()));
        }
        return new ReceivedSpan(resource, scope, context, parent, span.getName(), kind(span.getKind()),
                span.getStartTimeUnixNano(), span.getEndTimeUnixNano(), attributes(span.getAttributesList()),
                span.getDroppedAttributesCount(), events, span.getDroppedEventsCount(), links,
                span.getDroppedLinksCount(), status(span.getStatus()));
    }

    /**
     * Trace flags: every exported span was recorded, so it counts as sampled whatever an older sender put in the
     * optional {@code flags} field. The trace state is not part of the span document and stays empty.
     */
    private static SpanContext context(byte[] traceId, byte[] spanId) {
        if (traceId.length != 16 || spanId.length != 8) {
            return SpanContext.getInvalid();
        }
        return SpanContext.create(HEX.formatHex(traceId), HEX.formatHex(spanId), TraceFlags.getSampled(),
                TraceState.getDefault());
    }

    private static io.opentelemetry.sdk.resources.Resource resource(ResourceSpans resourceSpans) {
        Resource resource = resourceSpans.getResource();
        String schemaUrl = resourceSpans.getSchemaUrl();
        return io.opentelemetry.sdk.resources.Resource.create(attributes(resource.getAttributesList()),
                schemaUrl.isEmpty() ? null : schemaUrl);
    }

    private static InstrumentationScopeInfo scope(ScopeSpans scopeSpans) {
        InstrumentationScope scope = scopeSpans.getScope();
        var builder = InstrumentationScopeInfo.builder(scope.getName())
                .setAttributes(attributes(scope.getAttributesList()));
        if (!scope.getVersion().isEmpty()) {
            builder.setVersion(scope.getVersion());
        }
        if (!scopeSpans.getSchemaUrl().isEmpty()) {
            builder.setSchemaUrl(scopeSpans.getSchemaUrl());
        }
        return builder.build();
    }

    private static SpanKind kind(Span.SpanKind kind) {
        return switch (kind) {
            case SPAN_KIND_SERVER -> SpanKind.SERVER;
            case SPAN_KIND_CLIENT -> SpanKind.CLIENT;
            case SPAN_KIND_PRODUCER -> SpanKind.PRODUCER;
            case SPAN_KIND_CONSUMER -> SpanKind.CONSUMER;
            // UNSPECIFIED: the OTLP spec says to treat it as INTERNAL
            case SPAN_KIND_INTERNAL, SPAN_KIND_UNSPECIFIED, UNRECOGNIZED -> SpanKind.INTERNAL;
        };
    }

    private static StatusData status(Status status) {
        StatusCode code = switch (status.getCode()) {
            case STATUS_CODE_OK -> StatusCode.OK;
            case STATUS_CODE_ERROR -> StatusCode.ERROR;
            case STATUS_CODE_UNSET, UNRECOGNIZED -> StatusCode.UNSET;
        };
        return StatusData.create(code, status.getMessage());
    }

    /**
     * OTLP values onto OpenTelemetry's attribute types. Homogeneous arrays keep their type; the shapes the SDK API
     * cannot express (bytes, key-value lists, mixed arrays) become their text form rather than being lost.
     */
    static Attributes attributes(List<KeyValue> keyValues) {
        if (keyValues.isEmpty()) {
            return Attributes.empty();
        }
        AttributesBuilder builder = Attributes.builder();
        for (KeyValue keyValue : keyValues) {
            String key = keyValue.getKey();
            AnyValue value = keyValue.getValue();
            switch (value.getValueCase()) {
                case STRING_VALUE -> builder.put(key, value.getStringValue());
                case BOOL_VALUE -> builder.put(key, value.getBoolValue());
                case INT_VALUE -> builder.put(key, value.getIntValue());
                case DOUBLE_VALUE -> builder.put(key, value.getDoubleValue());
                case ARRAY_VALUE -> putArray(builder, key, value.getArrayValue().getValuesList());
                case BYTES_VALUE -> builder.put(key, HEX.formatHex(value.getBytesValue().toByteArray()));
                case KVLIST_VALUE -> builder.put(key, text(value));
                case VALUE_NOT_SET, STRING_VALUE_STRINDEX -> {
                    // no value, or an index into a profiles string table that trace requests do not have
                }
            }
        }
        return builder.build();
    }

    private static void putArray(AttributesBuilder builder, String key, List<AnyValue> values) {
        AnyValue.ValueCase type = values.isEmpty() ? AnyValue.ValueCase.STRING_VALUE : values.getFirst().getValueCase();
        boolean homogeneous = values.stream().allMatch(value -> value.getValueCase() == type);
        if (homogeneous && type == AnyValue.ValueCase.BOOL_VALUE) {
            builder.put(AttributeKey.booleanArrayKey(key), values.stream().map(AnyValue::getBoolValue).toList());
        } else if (homogeneous && type == AnyValue.ValueCase.INT_VALUE) {
            builder.put(AttributeKey.longArrayKey(key), values.stream().map(AnyValue::getIntValue).toList());
        } else if (homogeneous && type == AnyValue.ValueCase.DOUBLE_VALUE) {
            builder.put(AttributeKey.doubleArrayKey(key), values.stream().map(AnyValue::getDoubleValue).toList());
        } else {
            builder.put(AttributeKey.stringArrayKey(key), values.stream().map(OtlpSpans::text).toList());
        }
    }

    private static String text(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case BOOL_VALUE -> String.valueOf(value.getBoolValue());
            case INT_VALUE -> String.valueOf(value.getIntValue());
            case DOUBLE_VALUE -> String.valueOf(value.getDoubleValue());
            case BYTES_VALUE -> HEX.formatHex(value.getBytesValue().toByteArray());
            case ARRAY_VALUE -> value.getArrayValue().getValuesList().stream().map(OtlpSpans::text).toList().toString();
            case KVLIST_VALUE -> value.getKvlistValue().getValuesList().stream()
                    .map(entry -> entry.getKey() + "=" + text(entry.getValue())).toList().toString();
            case VALUE_NOT_SET, STRING_VALUE_STRINDEX -> "";
        };
    }
}
