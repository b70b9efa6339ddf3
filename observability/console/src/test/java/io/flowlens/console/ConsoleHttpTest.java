package io.flowlens.console;

import java.io.IOException;

import io.flowlens.servercheck.RawRequest;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.WebTarget;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * The pages and the API's refusals in process. The backends point at a closed port: bad input must be refused before
 * any backend is asked, and an unreachable one must be a 503 naming it, never a stack trace.
 */
@HelidonTest
@AddConfig(key = "flowlens.elasticsearch.url", value = "http://127.0.0.1:9")
@AddConfig(key = "flowlens.jaeger.url", value = "http://127.0.0.1:9")
class ConsoleHttpTest {

    @Inject
    private WebTarget target;

    @BeforeEach
    void restAssured() {
        RestAssured.baseURI = target.getUri().toString();
    }

    @Test
    void everyViewHasItsOwnUrlServingThePage() {
        for (String path : new String[] {"/", "/flows", "/traces", "/traces/0af7651916cd43dd8448eb211c80319c", "/map",
                "/dashboard", "/search", "/alerts"}) {
            given().get(path).then().statusCode(200).contentType(containsString("text/html"))
                    .body(containsString("/assets/console.js"));
        }
        given().get("/assets/console.js").then().statusCode(200).contentType(containsString("javascript"));
        given().get("/assets/console.css").then().statusCode(200).contentType(containsString("text/css"));
        given().get("/assets/nothing.js").then().statusCode(404);
    }

    @Test
    void aPathTheConsoleDoesNotServeIsA404PageOrProblem() {
        // a page's path: the page, whose script says there is no view there (Helidon's text/plain before)
        for (String path : new String[] {"/flowz", "/traces/0af7651916cd43dd8448eb211c80319c/more"}) {
            given().get(path).then().statusCode(404).contentType(containsString("text/html"))
                    .body(containsString("/assets/console.js"));
        }
        given().get("/api/nothing").then().statusCode(404).contentType("application/problem+json")
                .body("detail", is("nothing is served at GET /api/nothing")).body("instance", is("/api/nothing"));
        given().post("/nowhere").then().statusCode(404).contentType("application/problem+json");
        given().get("/assets/deeper/console.js").then().statusCode(404).contentType("application/problem+json");
        // Helidon's own routes are still found after JAX-RS found nothing
        given().get("/health/ready").then().statusCode(200);
    }

    @Test
    void aMalformedTraceIdIsA400Problem() {
        given().get("/api/traces/not-a-trace").then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", is(400))
                .body("detail", containsString("'not-a-trace' is not a trace id"))
                .body("instance", is("/api/traces/not-a-trace"));
    }

    @Test
    void anUnknownOutcomeABadWindowAndABadLimitAre400Problems() {
        given().get("/api/flows?outcome=lost").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("'lost' is not an outcome"));
        given().get("/api/flows?window=soon").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("'soon' is not a duration"));
        given().get("/api/flows?limit=0").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("limit must be"));
        given().get("/api/map?window=-5m").then().statusCode(400).contentType("application/problem+json");
        given().get("/api/flows?user=me").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("user must be a user id"));
        given().get("/api/flows?user=-5").then().statusCode(400).contentType("application/problem+json")
                .body("detail", is("user must be a user id (a whole number from 1), was '-5'"));
        given().get("/api/flows?trace=xyz").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("'xyz' is not a trace id"));
        given().get("/api/search?q=duration_ms: >1000").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("KQL writes a range as 'duration_ms > n'"));
        given().get("/api/search?q=error: (").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("not a KQL query this can run"));
        given().get("/api/search?q=error: true&lang=sql").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("'sql' is not a query language"));
        given().get("/api/search").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("q is required"));
        given().get("/api/dashboard?until=yesterday").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("until must be an ISO-8601 instant"));
        // beyond the dates a window can have: these were 500s (a DateTimeException, a NumberFormatException, and
        // Elasticsearch refusing a five-digit year)
        given().get("/api/flows?window=99999999999999d").then().statusCode(400)
                .body("detail", is("'99999999999999d' is longer than 3650d, the longest window"));
        given().get("/api/flows?window=9999999999999999999999h").then().statusCode(400);
        // a parameter the API does not take was ignored: every flow, the built-in rules
        given().get("/api/flows?outcom=declined").then().statusCode(400).contentType("application/problem+json")
                .body("detail", is("outcom is not a parameter of /api/flows, which takes outcome, window, limit, user,"
                        + " trace"));
        given().get("/api/search/examples?q=x").then().statusCode(400)
                .body("detail", is("q is not a parameter of /api/search/examples, which takes none"));
        // a page takes any query: its script reads it
        given().get("/flows?outcom=declined").then().statusCode(200);
        given().queryParam("window", "1h").queryParam("until", "+10000-01-01T00:00:00Z").get("/api/dashboard").then()
                .statusCode(400)
                .body("detail", is("until: '+10000-01-01T00:00:00Z' is not an instant from 1970 to the year 9999"));
    }

    @Test
    void aQueryIsHeldToRfc3986AndAColonInItIsAllowed() throws IOException {
        // a hand-typed permalink: ':' is a query character (RFC 3986), which Helidon 4.1.6's own check refused with a
        // text/plain 400; here the request reaches the resource, whose 400 is about the window, not the ':'
        assertThat(rawGet("/api/dashboard?window=soon&until=2026-12-06T21:00:00Z"),
                allOf(startsWith("HTTP/1.1 400"), containsString("application/problem+json"),
                        containsString("'soon' is not a duration")));
        assertThat(rawGet("/dashboard?window=1h&until=2026-12-06T21:00:00Z"),
                allOf(startsWith("HTTP/1.1 200"), containsString("/assets/console.js")));
        // what RFC 3986 does not allow is still refused, as a problem naming it, before any resource runs (Jersey's
        // java.net.URI answered these 500 once Helidon's check was off)
        for (String query : new String[] {"q=a{b", "q=a|b", "q=a%zz", "q=a%"}) {
            assertThat(query, rawGet("/api/search?" + query),
                    allOf(startsWith("HTTP/1.1 400"), containsString("application/problem+json"),
                            containsString("\"type\":\"https://flowlens.io/problems/malformed-query\""),
                            containsString("\"instance\":\"/api/search\"")));
        }
        assertThat(rawGet("/api/search?q=a{b"), containsString("'{' at index 3 of the query is not allowed unencoded"
                + " (RFC 3986); percent-encode it as %7B"));
    }

    @Test
    void aMediaTypeThatDoesNotParseIsA400Problem() throws IOException {
        // Jersey answered its own parse failure with a bare 400: no body, no content type, nothing for a page to show
        assertThat(RawRequest.get(target.getUri(), "/api/flows", "Accept: ///"),
                allOf(startsWith("HTTP/1.1 400"), containsString("application/problem+json"),
                        containsString("\"detail\":\"Accept must be a list of media ranges (RFC 9110, 12.5.1)\""),
                        containsString("\"instance\":\"/api/flows\"")));
        assertThat(RawRequest.get(target.getUri(), "/api/flows", "Content-Type: ;;;"),
                allOf(startsWith("HTTP/1.1 400"), containsString("application/problem+json"),
                        containsString("\"detail\":\"Content-Type must be a media type (RFC 9110, 8.3)\"")));
    }

    private String rawGet(String path) throws IOException {
        return RawRequest.get(target.getUri(), path);
    }

    @Test
    void theSavedSearchesAreKibanasOneClickAway() {
        // the seed's Kibana saved searches (compose/kibana/saved-objects), copied into the jar by the build
        given().get("/api/search/examples").then().statusCode(200)
                .body("find { it.title == 'Error spans' }.query", is("error: true"))
                .body("find { it.title == 'Spans slower than 1 s' }.query", is("duration_ms > 1000"))
                .body("size()", is(10));
    }

    @Test
    void anUnreachableElasticsearchIsA503NamingIt() {
        given().get("/api/flows").then().statusCode(503).contentType("application/problem+json")
                .body("detail", containsString("127.0.0.1:9"));
    }

    @Test
    void healthIsServed() {
        given().get("/health/ready").then().statusCode(200);
    }
}
