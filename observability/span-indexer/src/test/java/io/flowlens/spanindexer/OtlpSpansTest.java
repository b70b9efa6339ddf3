package io.flowlens.spanindexer;

import java.util.List;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;

import static io.flowlens.spanindexer.OtlpRequests.PARENT_ID;
import static io.flowlens.spanindexer.OtlpRequests.TRACE_ID;
import static io.flowlens.spanindexer.OtlpRequests.attribute;
import static io.flowlens.spanindexer.OtlpRequests.hex;
import static io.flowlens.spanindexer.OtlpRequests.request;
import static io.flowlens.spanindexer.OtlpRequests.span;
import static io.flowlens.spanindexer.OtlpRequests.string;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

class OtlpSpansTest {

    private static SpanData only(Span span) {
        OtlpSpans.Conversion conversion = OtlpSpans.convert(request("orders", span));
        assertThat(conversion.rejected(), is(0));
        assertThat(conversion.spans(), hasSize(1));
        return conversion.spans().getFirst();
    }

    @Test
    void keepsIdsParentNameTimesResourceAndScope() {
        SpanData span = only(span("a3ce929d0e0e4736").build());
        assertThat(span.getTraceId(), is(TRACE_ID));
        assertThat(span.getSpanId(), is("a3ce929d0e0e4736"));
        assertThat(span.getParentSpanContext().isValid(), is(true));
        assertThat(span.getParentSpanId(), is(PARENT_ID));
        assertThat(span.getName(), is("GET /users/{userId}"));
        assertThat(span.getStartEpochNanos(), is(1_764_720_000_000_000_000L));
        assertThat(span.getEndEpochNanos(), is(1_764_720_000_012_500_000L));
        assertThat(span.hasEnded(), is(true));
        assertThat(span.getResource().getAttribute(AttributeKey.stringKey("service.name")), is("orders"));
        assertThat(span.getInstrumentationScopeInfo().getName(), is("io.helidon.tracing"));
        assertThat(span.getInstrumentationScopeInfo().getVersion(), is("4.1.6"));
    }

    @Test
    void aRootSpanHasNoParent() {
        SpanData span = only(span("a3ce929d0e0e4736").clearParentSpanId().build());
        assertThat(span.getParentSpanContext().isValid(), is(false));
    }

    @Test
    void mapsEveryKind() {
        assertThat(only(span("0000000000000001").setKind(Span.SpanKind.SPAN_KIND_CLIENT).build()).getKind(),
                is(SpanKind.CLIENT));
        assertThat(only(span("0000000000000001").setKind(Span.SpanKind.SPAN_KIND_SERVER).build()).getKind(),
                is(SpanKind.SERVER));
        assertThat(only(span("0000000000000001").setKind(Span.SpanKind.SPAN_KIND_PRODUCER).build()).getKind(),
                is(SpanKind.PRODUCER));
        assertThat(only(span("0000000000000001").setKind(Span.SpanKind.SPAN_KIND_CONSUMER).build()).getKind(),
                is(SpanKind.CONSUMER));
        assertThat(only(span("0000000000000001").setKind(Span.SpanKind.SPAN_KIND_INTERNAL).build()).getKind(),
                is(SpanKind.INTERNAL));
        assertThat(only(span("0000000000000001").setKind(Span.SpanKind.SPAN_KIND_UNSPECIFIED).build()).getKind(),
                is(SpanKind.INTERNAL));
    }

    @Test
    void keepsStatusCodeAndMessage() {
        SpanData failed = only(span("0000000000000002").setStatus(Status.newBuilder()
                .setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("payment service unreachable")).build());
        assertThat(failed.getStatus().getStatusCode(), is(StatusCode.ERROR));
        assertThat(failed.getStatus().getDescription(), is("payment service unreachable"));
        SpanData ok = only(span("0000000000000002").setStatus(Status.newBuilder()
                .setCode(Status.StatusCode.STATUS_CODE_OK)).build());
        assertThat(ok.getStatus().getStatusCode(), is(StatusCode.OK));
        assertThat(only(span("0000000000000002").build()).getStatus().getStatusCode(), is(StatusCode.UNSET));
    }

    @Test
    void keepsAttributesOfEveryType() {
        AnyValue strings = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
                .addValues(string("a")).addValues(string("b"))).build();
        AnyValue longs = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
                .addValues(AnyValue.newBuilder().setIntValue(1)).addValues(AnyValue.newBuilder().setIntValue(2))).build();
        AnyValue doubles = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
                .addValues(AnyValue.newBuilder().setDoubleValue(0.5))).build();
        AnyValue booleans = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
                .addValues(AnyValue.newBuilder().setBoolValue(true))
                .addValues(AnyValue.newBuilder().setBoolValue(false))).build();
        AnyValue mixed = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
                .addValues(string("x")).addValues(AnyValue.newBuilder().setIntValue(7))).build();
        AnyValue kvlist = AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
                .addValues(attribute("k", string("v")))).build();
        Attributes attributes = only(span("0000000000000003")
                .addAttributes(attribute("http.request.method", string("GET")))
                .addAttributes(attribute("http.response.status_code", AnyValue.newBuilder().setIntValue(200).build()))
                .addAttributes(attribute("flowlens.amount", AnyValue.newBuilder().setDoubleValue(12.5).build()))
                .addAttributes(attribute("flowlens.retry", AnyValue.newBuilder().setBoolValue(true).build()))
                .addAttributes(attribute("tags", strings))
                .addAttributes(attribute("ids", longs))
                .addAttributes(attribute("ratios", doubles))
                .addAttributes(attribute("flags", booleans))
                .addAttributes(attribute("mixed", mixed))
                .addAttributes(attribute("map", kvlist))
                .addAttributes(attribute("raw", AnyValue.newBuilder().setBytesValue(hex("cafe")).build()))
                .addAttributes(attribute("empty", AnyValue.getDefaultInstance()))
                .build()).getAttributes();
        assertThat(attributes.get(AttributeKey.stringKey("http.request.method")), is("GET"));
        assertThat(attributes.get(AttributeKey.longKey("http.response.status_code")), is(200L));
        assertThat(attributes.get(AttributeKey.doubleKey("flowlens.amount")), is(12.5));
        assertThat(attributes.get(AttributeKey.booleanKey("flowlens.retry")), is(true));
        assertThat(attributes.get(AttributeKey.stringArrayKey("tags")), contains("a", "b"));
        assertThat(attributes.get(AttributeKey.longArrayKey("ids")), contains(1L, 2L));
        assertThat(attributes.get(AttributeKey.doubleArrayKey("ratios")), contains(0.5));
        assertThat(attributes.get(AttributeKey.booleanArrayKey("flags")), contains(true, false));
        assertThat(attributes.get(AttributeKey.stringArrayKey("mixed")), contains("x", "7"));
        assertThat(attributes.get(AttributeKey.stringKey("map")), is("[k=v]"));
        assertThat(attributes.get(AttributeKey.stringKey("raw")), is("cafe"));
        assertThat(attributes.get(AttributeKey.stringKey("empty")), is((String) null));
        assertThat(attributes.size(), is(11));
    }

    @Test
    void keepsEventsWithTheirAttributes() {
        SpanData span = only(span("0000000000000004")
                .addEvents(Span.Event.newBuilder().setName("exception").setTimeUnixNano(1_764_720_000_005_000_000L)
                        .addAttributes(attribute("exception.type", string("java.net.ConnectException")))
                        .addAttributes(attribute("exception.message", string("refused")))
                        .setDroppedAttributesCount(2))
                .build());
        List<EventData> events = span.getEvents();
        assertThat(events, hasSize(1));
        EventData event = events.getFirst();
        assertThat(event.getName(), is("exception"));
        assertThat(event.getEpochNanos(), is(1_764_720_000_005_000_000L));
        assertThat(event.getAttributes().get(AttributeKey.stringKey("exception.type")), is("java.net.ConnectException"));
        assertThat(event.getTotalAttributeCount(), is(4));
        assertThat(span.getTotalRecordedEvents(), is(1));
    }

    @Test
    void keepsLinks() {
        SpanData span = only(span("0000000000000005")
                .addLinks(Span.Link.newBuilder().setTraceId(hex("0af7651916cd43dd8448eb211c80319c"))
                        .setSpanId(hex("b7ad6b7169203331")).addAttributes(attribute("why", string("retry"))))
                .build());
        assertThat(span.getLinks(), hasSize(1));
        assertThat(span.getLinks().getFirst().getSpanContext().getTraceId(), is("0af7651916cd43dd8448eb211c80319c"));
        assertThat(span.getLinks().getFirst().getAttributes().get(AttributeKey.stringKey("why")), is("retry"));
    }

    @Test
    void rejectsSpansWithoutValidIdsAndKeepsTheRest() {
        Span noTraceId = span("0000000000000006").clearTraceId().build();
        Span zeroSpanId = span("0000000000000000").build();
        Span shortSpanId = span("0000000000000007").setSpanId(hex("0102")).build();
        Span good = span("0000000000000008").build();
        OtlpSpans.Conversion conversion = OtlpSpans.convert(request("users", noTraceId, zeroSpanId, shortSpanId, good));
        assertThat(conversion.rejected(), is(3));
        assertThat(conversion.spans(), hasSize(1));
        assertThat(conversion.spans().getFirst().getSpanId(), is("0000000000000008"));
        assertThat(conversion.firstProblem(), containsString("trace id"));
    }
}
