package io.flowlens.systemtests;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A W3C {@code traceparent} a test sends with a request, so that it knows the trace id of what the request starts
 * without asking the service.
 */
record Traceparent(String traceId, String header) {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new sampled trace: random 16-byte trace id, random 8-byte parent span id. */
    static Traceparent random() {
        String traceId = hex(16);
        return new Traceparent(traceId, "00-" + traceId + "-" + hex(8) + "-01");
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
