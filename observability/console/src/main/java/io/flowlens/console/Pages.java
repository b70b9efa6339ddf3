package io.flowlens.console;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

/**
 * The pages: every view has its own URL (so it can be shared) and all answer the same HTML shell, whose script reads
 * the path and draws the view from the JSON API. The assets are files of this jar; nothing comes from elsewhere.
 */
@Path("/")
@ApplicationScoped
public class Pages {

    static final String HTML = "text/html; charset=utf-8";

    private static final Map<String, String> ASSETS = Map.of(
            "console.css", "text/css; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8");

    @GET
    public Response home() throws IOException {
        return pageResponse();
    }

    @GET
    @Path("{view: flows|traces|map|dashboard|search|alerts}")
    public Response view() throws IOException {
        return pageResponse();
    }

    @GET
    @Path("traces/{traceId}")
    public Response trace() throws IOException {
        return pageResponse();
    }

    @GET
    @Path("assets/{name}")
    public Response asset(@PathParam("name") String name) throws IOException {
        String type = ASSETS.get(name);
        if (type == null) {
            throw new NotFoundException("no asset " + name, new IllegalArgumentException(name));
        }
        return Response.ok(resource(name), type).header("Cache-Control", "no-cache").build();
    }

    /** Every view's page: the same HTML shell, whose script draws the view its path names. */
    static byte[] page() throws IOException {
        return resource("console.html");
    }

    private static Response pageResponse() throws IOException {
        return Response.ok(page(), HTML).build();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = Pages.class.getResourceAsStream("/web/" + name)) {
            if (in == null) {
                throw new IllegalStateException("web/" + name + " is missing from the console jar");
            }
            return in.readAllBytes();
        }
    }
}
