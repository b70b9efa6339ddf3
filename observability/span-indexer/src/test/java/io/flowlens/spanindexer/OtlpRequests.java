package io.flowlens.spanindexer;

import java.util.HexFormat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

/** OTLP requests as a collector sends them, built from the published proto classes. */
final class OtlpRequests {

    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String PARENT_ID = "00f067aa0ba902b7";

    private OtlpRequests() {
    }

    static ByteString hex(String hex) {
        return ByteString.copyFrom(HexFormat.of().parseHex(hex));
    }

    static KeyValue attribute(String key, AnyValue value) {
        return KeyValue.newBuilder().setKey(key).setValue(value).build();
    }

    static AnyValue string(String value) {
        return AnyValue.newBuilder().setStringValue(value).build();
    }

    /** A plain server span of {@code service} with the given span id, child of {@link #PARENT_ID}. */
    static Span.Builder span(String spanId) {
        return Span.newBuilder()
                .setTraceId(hex(TRACE_ID))
                .setSpanId(hex(spanId))
                .setParentSpanId(hex(PARENT_ID))
                .setName("GET /users/{userId}")
                .setKind(Span.SpanKind.SPAN_KIND_SERVER)
                .setStartTimeUnixNano(1_764_720_000_000_000_000L)
                .setEndTimeUnixNano(1_764_720_000_012_500_000L);
    }

    static ExportTraceServiceRequest request(String service, Span... spans) {
        return ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder()
                        .setResource(Resource.newBuilder().addAttributes(attribute("service.name", string(service))))
                        .addScopeSpans(ScopeSpans.newBuilder()
                                .setScope(InstrumentationScope.newBuilder().setName("io.helidon.tracing").setVersion("4.1.6"))
                                .addAllSpans(java.util.List.of(spans))))
                .build();
    }

    /** {@code count} valid spans with distinct span ids. */
    static ExportTraceServiceRequest spans(int count) {
        Span[] spans = new Span[count];
        for (int i = 0; i < count; i++) {
            spans[i] = span(String.format("%016x", 0x1000L + i)).build();
        }
        return request("users", spans);
    }
}
