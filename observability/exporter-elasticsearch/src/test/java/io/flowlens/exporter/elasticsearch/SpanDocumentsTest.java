package io.flowlens.exporter.elasticsearch;

import java.util.List;
import java.util.Map;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.aMapWithSize;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.hasEntry;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/** Real spans from the OpenTelemetry SDK, turned into the documents FIELDS.md describes. */
class SpanDocumentsTest {

    private final InMemorySpanExporter recorded = InMemorySpanExporter.create();
    private final Tracer tracer = SdkTracerProvider.builder()
            .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "orders")))
            .addSpanProcessor(SimpleSpanProcessor.create(recorded))
            .build()
            .get("io.flowlens.test");

    @Test
    void serverSpanCarriesTheSeedFieldsAndTheOtelOnes() {
        Span server = tracer.spanBuilder("POST /orders").setSpanKind(SpanKind.SERVER)
                .setStartTimestamp(1_700_000_000_000_000_000L, java.util.concurrent.TimeUnit.NANOSECONDS)
                .setAttribute("http.request.method", "POST")
                .setAttribute("http.response.status_code", 500L)
                .setAttribute("url.path", "/orders")
                .setAttribute("http.route", "/orders")
                .setAttribute("flowlens.user.id", 3L)
                .setAttribute("flowlens.amount", 19.99)
                .setAttribute("error.type", "500")
                .startSpan();
        try (Scope ignored = server.makeCurrent()) {
            tracer.spanBuilder("INSERT orders").setSpanKind(SpanKind.CLIENT)
                    .setAttribute("db.system", "h2").setAttribute("db.operation.name", "INSERT")
                    .setAttribute("db.collection.name", "orders").startSpan().end();
        }
        server.recordException(new IllegalStateException("pool exhausted"));
        server.setStatus(StatusCode.ERROR, "boom");
        server.end(1_700_000_000_250_500_000L, java.util.concurrent.TimeUnit.NANOSECONDS);

        SpanData serverData = spanNamed("POST /orders");
        Map<String, Object> document = SpanDocuments.toDocument(serverData);
        assertThat(document, hasEntry("@timestamp", "2023-11-14T22:13:20Z"));
        assertThat(document, hasEntry("service", "orders"));
        assertThat(document, hasEntry("name", "POST /orders"));
        assertThat(document, hasEntry("kind", "SERVER"));
        assertThat((Double) document.get("duration_ms"), closeTo(250.5, 1e-9));
        assertThat(document, hasEntry("error", true));
        assertThat(document, hasEntry("status", "ERROR"));
        assertThat(document, hasEntry("status_message", "boom"));
        assertThat(document, hasEntry("error_type", "500"));
        assertThat(document, hasEntry("method", "POST"));
        assertThat(document, hasEntry("status_code", 500));
        assertThat(document, hasEntry("url.path", "/orders"));
        assertThat(document, hasEntry("http.route", "/orders"));
        assertThat(document, hasEntry("flowlens.user.id", 3));
        assertThat(document, hasEntry("flowlens.amount", 19.99));
        assertThat(document, hasEntry("exception.type", "java.lang.IllegalStateException"));
        assertThat(document, hasEntry("exception.message", "pool exhausted"));
        assertThat(document, hasEntry("trace_id", serverData.getTraceId()));
        assertThat(document, not(hasKey("parent_span_id")));
        assertThat(document, not(hasKey("error.type"))); // would clash with the boolean `error`
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> events = (List<Map<String, Object>>) document.get("events");
        assertThat(events.get(0), hasEntry("name", "exception"));
        assertThat((String) ((Map<?, ?>) events.get(0).get("attributes")).get("exception.stacktrace"),
                startsWith("java.lang.IllegalStateException: pool exhausted"));
        assertThat((Map<?, ?>) document.get("attributes"), hasEntry("http.request.method", "POST"));
        assertThat((Map<?, ?>) document.get("resource"), hasEntry("service.name", "orders"));
        assertThat(document, hasEntry("scope", "io.flowlens.test"));

        Map<String, Object> db = SpanDocuments.toDocument(spanNamed("INSERT orders"));
        assertThat(db, hasEntry("parent_span_id", serverData.getSpanId()));
        assertThat(db, hasEntry("kind", "CLIENT"));
        assertThat(db, hasEntry("error", false));
        assertThat(db, hasEntry("status", "UNSET"));
        assertThat(db, hasEntry("db.system", "h2"));
        assertThat(db, hasEntry("db.operation.name", "INSERT"));
        assertThat(db, hasEntry("db.collection.name", "orders"));
        assertThat(db, not(hasKey("method")));
        assertThat(db, not(hasKey("status_code")));
        assertThat(db, not(hasKey("events")));
        assertThat((Map<?, ?>) db.get("attributes"), aMapWithSize(3));
        assertThat(SpanDocuments.id(spanNamed("INSERT orders")), is(db.get("trace_id") + "-" + db.get("span_id")));
    }

    /** The document is written as JSON straight from the span: every attribute type keeps its JSON type. */
    @Test
    void attributeArraysAndScalarsKeepTheirJsonTypes() {
        Span span = tracer.spanBuilder("orders.create")
                .setAttribute(AttributeKey.stringArrayKey("tags"), List.of("a", "b\"quoted\""))
                .setAttribute(AttributeKey.longArrayKey("sizes"), List.of(1L, 2L))
                .setAttribute(AttributeKey.doubleArrayKey("ratios"), List.of(0.5))
                .setAttribute(AttributeKey.booleanArrayKey("flags"), List.of(true, false))
                .setAttribute("flowlens.compensation", true)
                .setAttribute("flowlens.currency", "EUR")
                .startSpan();
        span.addEvent("retry", Attributes.of(AttributeKey.longKey("attempt"), 2L));
        span.recordException(new IllegalStateException("first"));
        span.recordException(new IllegalArgumentException("second"));
        span.end();

        Map<String, Object> document = SpanDocuments.toDocument(spanNamed("orders.create"));
        Map<?, ?> attributes = (Map<?, ?>) document.get("attributes");
        assertThat(attributes, hasEntry("tags", List.of("a", "b\"quoted\"")));
        assertThat(attributes, hasEntry("sizes", List.of(1, 2)));
        assertThat(attributes, hasEntry("ratios", List.of(0.5)));
        assertThat(attributes, hasEntry("flags", List.of(true, false)));
        assertThat(document, hasEntry("flowlens.compensation", true));
        assertThat(document, hasEntry("flowlens.currency", "EUR"));
        assertThat(document, hasEntry("exception.type", "java.lang.IllegalStateException")); // the first exception
        assertThat(document, hasEntry("exception.message", "first"));
        List<?> events = (List<?>) document.get("events");
        assertThat(((Map<?, ?>) events.get(0)).get("attributes"), is(Map.of("attempt", 2)));
        assertThat(events.size(), is(3));
    }

    private SpanData spanNamed(String name) {
        return recorded.getFinishedSpanItems().stream().filter(span -> span.getName().equals(name)).findFirst()
                .orElseThrow();
    }
}
