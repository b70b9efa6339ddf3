package io.flowlens.systemtests;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One span document of a test fixture, with the fields of observability/exporter-elasticsearch/FIELDS.md. Immutable; the {@code with...}
 * methods answer a changed copy.
 */
record FixtureSpan(Instant start, String traceId, String spanId, String parentSpanId, String service, String name,
                   String kind, double durationMs, boolean error, String method, Integer statusCode, String dbSystem,
                   String paymentStatus, Boolean compensation) {

    static FixtureSpan of(Instant start, String traceId, String spanId, String parentSpanId, String service,
                          String name, String kind) {
        return new FixtureSpan(start, traceId, spanId, parentSpanId, service, name, kind, 1, false, null, null, null,
                null, null);
    }

    FixtureSpan withParent(String parent) {
        return new FixtureSpan(start, traceId, spanId, parent, service, name, kind, durationMs, error, method,
                statusCode, dbSystem, paymentStatus, compensation);
    }

    FixtureSpan withDuration(double millis) {
        return new FixtureSpan(start, traceId, spanId, parentSpanId, service, name, kind, millis, error, method,
                statusCode, dbSystem, paymentStatus, compensation);
    }

    FixtureSpan withError(boolean isError) {
        return new FixtureSpan(start, traceId, spanId, parentSpanId, service, name, kind, durationMs, isError, method,
                statusCode, dbSystem, paymentStatus, compensation);
    }

    FixtureSpan withHttp(String httpMethod, Integer status) {
        return new FixtureSpan(start, traceId, spanId, parentSpanId, service, name, kind, durationMs, error, httpMethod,
                status, dbSystem, paymentStatus, compensation);
    }

    FixtureSpan withDb(String system) {
        return new FixtureSpan(start, traceId, spanId, parentSpanId, service, name, kind, durationMs, error, method,
                statusCode, system, paymentStatus, compensation);
    }

    FixtureSpan withPayment(String status) {
        return new FixtureSpan(start, traceId, spanId, parentSpanId, service, name, kind, durationMs, error, method,
                statusCode, dbSystem, status, compensation);
    }

    FixtureSpan withCompensation() {
        return new FixtureSpan(start, traceId, spanId, parentSpanId, service, name, kind, durationMs, error, method,
                statusCode, dbSystem, paymentStatus, true);
    }

    /** The document as the exporter writes it; {@code flowlens.*} nested, {@code db.system} as one dotted key. */
    Map<String, Object> document() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("@timestamp", start.toString());
        doc.put("service", service);
        doc.put("name", name);
        doc.put("kind", kind);
        doc.put("trace_id", traceId);
        doc.put("span_id", spanId);
        if (parentSpanId != null) {
            doc.put("parent_span_id", parentSpanId);
        }
        doc.put("duration_ms", durationMs);
        doc.put("error", error);
        doc.put("status", error ? "ERROR" : "UNSET");
        if (method != null) {
            doc.put("method", method);
        }
        if (statusCode != null) {
            doc.put("status_code", statusCode);
        }
        if (dbSystem != null) {
            doc.put("db.system", dbSystem);
        }
        Map<String, Object> flowlens = new LinkedHashMap<>();
        if (paymentStatus != null) {
            flowlens.put("payment", Map.of("status", paymentStatus));
        }
        if (compensation != null) {
            flowlens.put("compensation", compensation);
        }
        if (!flowlens.isEmpty()) {
            doc.put("flowlens", flowlens);
        }
        doc.put("resource", Map.of("service.name", service));
        return doc;
    }
}
