package io.flowlens.exporter.elasticsearch;

/**
 * The field names of a span document, as FIELDS.md of this module documents them: the one place the mapping
 * ({@code SpanDocuments}), the analytics queries and the tests take them from, so a renamed field cannot leave a
 * query searching a field nobody writes. {@code SpanFieldsTest} holds this class, FIELDS.md and the index template
 * to the same list.
 */
public final class SpanFields {

    /** Span start. */
    public static final String TIMESTAMP = "@timestamp";
    /** Resource {@code service.name}. */
    public static final String SERVICE = "service";
    /** Span name. */
    public static final String NAME = "name";
    /** {@code SERVER}, {@code CLIENT}, {@code INTERNAL}, {@code PRODUCER}, {@code CONSUMER}. */
    public static final String KIND = "kind";
    /** W3C trace id, lower-case hex. */
    public static final String TRACE_ID = "trace_id";
    /** W3C span id, lower-case hex. */
    public static final String SPAN_ID = "span_id";
    /** The parent's span id; absent when the span has no parent (it may belong to another trace's process). */
    public static final String PARENT_SPAN_ID = "parent_span_id";
    /** End − start in milliseconds. */
    public static final String DURATION_MS = "duration_ms";
    /** Span status is ERROR. */
    public static final String ERROR = "error";
    /** Attribute {@code error.type}, renamed since {@link #ERROR} is the boolean. */
    public static final String ERROR_TYPE = "error_type";
    /** {@code UNSET}, {@code OK}, {@code ERROR}. */
    public static final String STATUS = "status";
    /** The status description. */
    public static final String STATUS_MESSAGE = "status_message";
    /** {@code http.request.method}. */
    public static final String METHOD = "method";
    /** {@code http.response.status_code}. */
    public static final String STATUS_CODE = "status_code";
    /** Attribute {@code url.path}, same name. */
    public static final String URL_PATH = "url.path";
    /** Attribute {@code http.route}, same name. */
    public static final String HTTP_ROUTE = "http.route";
    /** Attribute {@code db.system}, same name. */
    public static final String DB_SYSTEM = "db.system";
    /** Attribute {@code db.operation.name}, same name. */
    public static final String DB_OPERATION_NAME = "db.operation.name";
    /** Attribute {@code db.collection.name}, same name. */
    public static final String DB_COLLECTION_NAME = "db.collection.name";
    /** Every attribute whose name starts with this is copied under its own name ({@code flowlens.*}). */
    public static final String FLOWLENS_PREFIX = "flowlens.";
    /** {@code AUTHORIZED} or {@code DECLINED} on {@code payments.authorize}. */
    public static final String FLOWLENS_PAYMENT_STATUS = FLOWLENS_PREFIX + "payment.status";
    /** {@code COMPLETED} or {@code PAYMENT_DECLINED} on the orchestrator's {@code flow.run}; absent when it threw. */
    public static final String FLOWLENS_FLOW_OUTCOME = FLOWLENS_PREFIX + "flow.outcome";
    /** The first {@code exception} event's type. */
    public static final String EXCEPTION_TYPE = "exception.type";
    /** The first {@code exception} event's message. */
    public static final String EXCEPTION_MESSAGE = "exception.message";
    /** Every event: {@code name}, {@code @timestamp}, {@code attributes}. */
    public static final String EVENTS = "events";
    /** Every span attribute under its OpenTelemetry name. */
    public static final String ATTRIBUTES = "attributes";
    /** Every resource attribute. */
    public static final String RESOURCE = "resource";
    /** Instrumentation scope name. */
    public static final String SCOPE = "scope";

    private SpanFields() {
    }
}
