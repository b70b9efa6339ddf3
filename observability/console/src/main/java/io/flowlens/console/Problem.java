package io.flowlens.console;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.core.Response;

/** An RFC 9457 answer ({@code application/problem+json}), the shape the services give; the pages show its detail. */
final class Problem {

    static final String TYPE_BASE = "https://flowlens.io/problems/";
    static final String MEDIA_TYPE = "application/problem+json";

    private Problem() {
    }

    static Response response(int status, String type, String title, String detail, String instance) {
        return Response.status(status).type(MEDIA_TYPE).entity(json(status, type, title, detail, instance)).build();
    }

    static String json(int status, String type, String title, String detail, String instance) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_BASE + type);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.put("instance", instance);
        return Json.write(body);
    }
}
