package io.flowlens.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * JSON over HTTP with the JDK's client and Jackson, for what the tests poll or read per flow (Jaeger's traces,
 * Elasticsearch's counts, the flows' answers, the metrics pages). RestAssured builds every request and evaluates every
 * JSON path in Groovy, which was the largest part of the test JVM's CPU in a suite run (perf/results/PROFILES.md, "The
 * test JVM's CPU"); its DSL stays for the one-off requests and assertions.
 */
final class JsonHttp {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private JsonHttp() {
    }

    static HttpResponse<String> get(String url) {
        return send(request(url).build());
    }

    /** POSTs nothing (Elasticsearch refuses a body where it takes none, such as {@code _refresh}). */
    static HttpResponse<String> post(String url) {
        return send(request(url).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** POSTs {@code body} (a map or record Jackson writes) as JSON. */
    static HttpResponse<String> post(String url, Object body) {
        try {
            return send(request(url).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not writable as JSON: " + body, e);
        }
    }

    /** The answer itself when it is a 200; any other status fails the test with the answer. */
    static HttpResponse<String> ok(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new AssertionError(what(response) + " answered " + response.statusCode() + ": " + response.body());
        }
        return response;
    }

    /** The answer's body as JSON; a body that is not JSON fails the test with it. */
    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new AssertionError(what(response) + " did not answer JSON: " + response.body(), e);
        }
    }

    private static String what(HttpResponse<String> response) {
        return response.request().method() + " " + response.uri();
    }

    private static HttpRequest.Builder request(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT);
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + request.method() + " " + request.uri(), e);
        }
    }
}
