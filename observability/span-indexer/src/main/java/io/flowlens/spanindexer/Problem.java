package io.flowlens.spanindexer;

import jakarta.ws.rs.core.Response;

/**
 * An RFC 9457 answer ({@code application/problem+json}), the same shape the services give, written by JSON-B.
 *
 * @param type     a URI under {@link #TYPE_BASE}, one per kind of failure
 * @param title    short, the same for every problem of that type
 * @param status   the HTTP status
 * @param detail   what was wrong with this request
 * @param instance the request path
 */
public record Problem(String type, String title, int status, String detail, String instance) {

    static final String TYPE_BASE = "https://flowlens.io/problems/";
    static final String MEDIA_TYPE = "application/problem+json";

    static Response response(int status, String type, String title, String detail, String instance) {
        return Response.status(status).type(MEDIA_TYPE)
                .entity(new Problem(TYPE_BASE + type, title, status, detail, instance)).build();
    }
}
