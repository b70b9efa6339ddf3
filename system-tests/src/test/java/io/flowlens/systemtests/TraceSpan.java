package io.flowlens.systemtests;

import java.util.Map;

/**
 * One span as Jaeger's query API v3 returns it (OTLP JSON): ids in hex, kind and status as OTLP numbers.
 *
 * @param kind   OTLP span kind: 1 internal, 2 server, 3 client
 * @param status OTLP status code: 0 unset, 1 ok, 2 error
 */
record TraceSpan(String service, String traceId, String spanId, String parentSpanId, String name, int kind, int status,
                 long startNanos, long endNanos, Map<String, String> attributes) {

    static final int INTERNAL = 1;
    static final int SERVER = 2;
    static final int CLIENT = 3;
    static final int ERROR = 2;

    boolean isRoot() {
        return parentSpanId == null || parentSpanId.isEmpty();
    }

    boolean isError() {
        return status == ERROR;
    }
}
