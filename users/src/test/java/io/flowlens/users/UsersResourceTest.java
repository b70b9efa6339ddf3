package io.flowlens.users;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import io.flowlens.servercheck.RawRequest;
import io.flowlens.testing.ContractClient;
import io.flowlens.testing.RecordedSpans;
import io.helidon.microprofile.server.ServerCdiExtension;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.enterprise.inject.spi.CDI;
import org.junit.jupiter.api.Test;

import static io.restassured.http.ContentType.JSON;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/** Every endpoint of the users contract in-process; each exchange is validated against the contract. */
@HelidonTest
class UsersResourceTest {

    private static final String PROBLEM = "application/problem+json";

    private static String uniqueEmail() {
        return "user-" + UUID.randomUUID() + "@example.com";
    }

    @Test
    void seedUsersExistOnAFreshStart() {
        ContractClient.given("users").get("/users/1")
                .then().statusCode(200).body("id", is(1)).body("email", is("ada@example.com"));
    }

    @Test
    void createsAUserAndFindsItAgain() {
        String email = uniqueEmail();
        int id = ContractClient.given("users").contentType(JSON)
                .body("{\"name\":\" Grace  \",\"email\":\"" + email.toUpperCase(Locale.ROOT) + "\"}")
                .post("/users")
                .then().statusCode(201)
                .header("Location", containsString("/users/"))
                .body("name", is("Grace"))
                .body("email", is(email))
                .extract().path("id");
        ContractClient.given("users").get("/users/" + id).then().statusCode(200).body("email", is(email));
    }

    @Test
    void theCreatedAnswerReadsAsTheStoredUser() {
        // the answer is built from what was written; its time must be the column's (microseconds), not the clock's
        var created = ContractClient.given("users").contentType(JSON)
                .body("{\"name\":\"Edsger\",\"email\":\"" + uniqueEmail() + "\"}").post("/users")
                .then().statusCode(201).extract();
        int id = created.path("id");
        assertThat(ContractClient.given("users").get("/users/" + id).then().statusCode(200).extract().asString(),
                is(created.asString()));
    }

    @Test
    void listsUsersInPages() {
        ContractClient.given("users").queryParam("limit", 2).queryParam("offset", 1).get("/users")
                .then().statusCode(200)
                .body("items", hasSize(2))
                .body("items[0].id", is(2))
                .body("limit", is(2))
                .body("offset", is(1))
                .body("total", greaterThanOrEqualTo(3));
    }

    @Test
    void listUsesContractDefaults() {
        ContractClient.given("users").get("/users").then().statusCode(200).body("limit", is(20)).body("offset", is(0));
    }

    @Test
    void unknownUserIs404Problem() {
        ContractClient.given("users").get("/users/987654")
                .then().statusCode(404).contentType(PROBLEM)
                .body("type", is("https://flowlens.io/problems/not-found"))
                .body("status", is(404))
                .body("detail", is("user 987654 does not exist"))
                .body("instance", is("/users/987654"))
                .body("trace_id", matchesPattern("[0-9a-f]{32}"));
    }

    @Test
    void duplicateEmailIs409AndCaseInsensitive() {
        ContractClient.given("users").contentType(JSON).body("{\"name\":\"Copy\",\"email\":\"ADA@example.com\"}")
                .post("/users")
                .then().statusCode(409).contentType(PROBLEM).body("type", endsWithType("conflict"))
                .body("detail", is("a user with e-mail address ada@example.com exists"));
    }

    @Test
    void invalidEmailIs400WithTheField() {
        long before = total();
        ContractClient.givenInvalidRequest("users").contentType(JSON).body("{\"name\":\"X\",\"email\":\"not-an-email\"}")
                .post("/users")
                .then().statusCode(400).contentType(PROBLEM)
                .body("violations.field", hasItem("email"))
                .body("trace_id", notNullValue());
        assertThat("nothing written", total(), is(before));
    }

    @Test
    void missingAndBlankFieldsAre400() {
        ContractClient.givenInvalidRequest("users").contentType(JSON).body("{\"email\":\"" + uniqueEmail() + "\"}")
                .post("/users").then().statusCode(400).body("violations.field", hasItem("name"));
        ContractClient.givenInvalidRequest("users").contentType(JSON)
                .body("{\"name\":\"   \",\"email\":\"" + uniqueEmail() + "\"}")
                .post("/users").then().statusCode(400).body("violations.field", hasItem("name"));
    }

    @Test
    void malformedJsonIs400() {
        ContractClient.givenInvalidRequest("users").contentType(JSON).body("{\"name\":")
                .post("/users").then().statusCode(400).contentType(PROBLEM).body("type", endsWithType("malformed-body"));
    }

    @Test
    void bodiesAreAsStrictAsTheContract() {
        long before = total();
        // a number where a string belongs is not coerced to "5"
        ContractClient.givenInvalidRequest("users").contentType(JSON).body("{\"name\":5,\"email\":\"" + uniqueEmail() + "\"}")
                .post("/users").then().statusCode(400).contentType(PROBLEM).body("detail", containsString("expected a string"));
        // additionalProperties: false
        ContractClient.givenInvalidRequest("users").contentType(JSON)
                .body("{\"name\":\"Eve\",\"email\":\"" + uniqueEmail() + "\",\"admin\":true}")
                .post("/users").then().statusCode(400).contentType(PROBLEM).body("detail", containsString("admin"));
        assertThat("nothing written", total(), is(before));
    }

    @Test
    void namesMayContainLineBreaksButNotOnlyBlanks() {
        ContractClient.given("users").contentType(JSON).body("{\"name\":\"Ada\\r\\nKing\",\"email\":\"" + uniqueEmail() + "\"}")
                .post("/users").then().statusCode(201);
        ContractClient.givenInvalidRequest("users").contentType(JSON)
                .body("{\"name\":\" \\n \",\"email\":\"" + uniqueEmail() + "\"}")
                .post("/users").then().statusCode(400).body("violations.field", hasItem("name"));
        // blanks beyond ASCII are blanks too (Java's \s is ASCII only: an ideographic space alone was a name)
        for (String blank : new String[] {"\\u3000", "\\u00a0 \\u2003", "\\ufeff", "\\u001c\\u0085"}) {
            ContractClient.givenInvalidRequest("users").contentType(JSON)
                    .body("{\"name\":\"" + blank + "\",\"email\":\"" + uniqueEmail() + "\"}")
                    .post("/users").then().statusCode(400).body("violations.field", hasItem("name"));
        }
        ContractClient.given("users").contentType(JSON)
                .body("{\"name\":\"Ada\\u3000King\",\"email\":\"" + uniqueEmail() + "\"}")
                .post("/users").then().statusCode(201).body("name", is("Ada\u3000King"));
    }

    @Test
    void wrongTypesAre400() {
        ContractClient.givenInvalidRequest("users").get("/users/abc")
                .then().statusCode(400).contentType(PROBLEM).body("detail", containsString("userId"));
        ContractClient.givenInvalidRequest("users").queryParam("limit", 0).get("/users")
                .then().statusCode(400).body("violations.field", hasItem("limit"));
        ContractClient.givenInvalidRequest("users").queryParam("limit", 101).get("/users")
                .then().statusCode(400).body("violations.field", hasItem("limit"));
        ContractClient.givenInvalidRequest("users").get("/users/0").then().statusCode(400);
    }

    @Test
    void everyValidationProblemListsItsFieldByTheNameTheRequestGivesIt() {
        long before = total();
        // a path parameter that does not parse says what it should be, as a query parameter does
        ContractClient.givenInvalidRequest("users").get("/users/abc")
                .then().statusCode(400).contentType(PROBLEM).body("type", endsWith("/validation"))
                .body("violations.field", contains("userId")).body("detail", is("userId: expected an integer, found 'abc'"));
        // no body, a JSON null, and an empty body: the body, never the Java parameter
        ContractClient.givenInvalidRequest("users").contentType(JSON).post("/users")
                .then().statusCode(400).contentType(PROBLEM).body("type", endsWith("/validation"))
                .body("violations.field", contains("body")).body("detail", is("body is required"));
        ContractClient.givenInvalidRequest("users").contentType(JSON).body("null").post("/users")
                .then().statusCode(400).contentType(PROBLEM).body("violations.field", contains("body"));
        ContractClient.givenInvalidRequest("users").contentType(JSON).body("").post("/users")
                .then().statusCode(400).contentType(PROBLEM).body("type", endsWith("/validation"))
                .body("violations.field", contains("body")).body("detail", is("body is required"));
        // the Idempotency-Key header by its own name, whichever check refuses it (bean validation or the filter)
        String body = "{\"name\":\"Key\",\"email\":\"" + uniqueEmail() + "\"}";
        ContractClient.givenInvalidRequest("users").contentType(JSON).header("Idempotency-Key", "").body(body)
                .post("/users").then().statusCode(400).contentType(PROBLEM)
                .body("violations.field", hasItem("Idempotency-Key")).body("violations.field", not(hasItem("idempotencyKey")));
        ContractClient.givenInvalidRequest("users").contentType(JSON).header("Idempotency-Key", "k".repeat(201)).body(body)
                .post("/users").then().statusCode(400).contentType(PROBLEM).body("type", endsWith("/validation"))
                .body("violations.field", contains("Idempotency-Key"));
        assertThat("nothing written", total(), is(before));
    }

    @Test
    void withoutAnAdminTokenTheAdminEndpointsDoNotExistWhateverTheRequest() {
        // this test's configuration has no flowlens.admin.token: 404 before the fault name or the body is looked at
        ContractClient.givenInvalidRequest("admin").get("/admin/faults").then().statusCode(404).contentType(PROBLEM)
                .body("detail", containsString("fault injection is off"));
        ContractClient.givenInvalidRequest("admin").contentType(JSON).body("{\"rate\":5}").put("/admin/faults/MELTDOWN")
                .then().statusCode(404).contentType(PROBLEM).body("violations", nullValue());
    }

    @Test
    void pagingParametersSentEmptyRepeatedOrMistypedAre400NamingTheParameter() {
        ContractClient.givenInvalidRequest("users").get("/users?limit=60&offset=&offset=x&offset=y")
                .then().statusCode(400).contentType(PROBLEM).body("type", endsWith("/validation"))
                .body("violations.field", contains("offset"))
                .body("detail", is("offset: given 3 times; expected one value"));
        ContractClient.givenInvalidRequest("users").get("/users?offset=")
                .then().statusCode(400).contentType(PROBLEM).body("detail", is("offset: empty; expected an integer"));
        ContractClient.givenInvalidRequest("users").get("/users?limit=ten&offset=1")
                .then().statusCode(400).contentType(PROBLEM).body("detail", is("limit: expected an integer, found 'ten'"));
        ContractClient.givenInvalidRequest("users").get("/users?limit=5&limit=5")
                .then().statusCode(400).body("violations.field", contains("limit"));
        ContractClient.given("users").get("/users?limit=2&offset=0").then().statusCode(200).body("limit", is(2));
    }

    @Test
    void aBodyThatDoesNotBindIsExplainedInTheRequestsTermsNotJavasOnes() {
        ContractClient.givenInvalidRequest("users").contentType(JSON).body("{\"name\": 5, \"email\": \"" + uniqueEmail() + "\"}")
                .post("/users").then().statusCode(400).contentType(PROBLEM).body("type", endsWith("/malformed-body"))
                .body("detail", is("name: expected a string, found a number")).body("violations.field", contains("name"))
                .body("detail", not(containsString("io.flowlens"))).body("detail", not(containsString("class ")));
        ContractClient.givenInvalidRequest("users").contentType(JSON)
                .body("{\"name\": \"Ada\", \"email\": \"" + uniqueEmail() + "\", \"userId\": 1}")
                .post("/users").then().statusCode(400).contentType(PROBLEM)
                .body("detail", is("userId: unknown property"))
                .body("detail", not(containsString("io.flowlens"))).body("detail", not(containsString("class ")));
    }

    @Test
    void servesItsOwnContractAndSwaggerUi() {
        ContractClient.givenInvalidRequest("users").get("/openapi")
                .then().statusCode(200).body(containsString("title: Flowlens users service"));
        ContractClient.givenInvalidRequest("users").redirects().follow(true).get("/openapi/ui")
                .then().statusCode(200).body(containsString("swagger"));
    }

    @Test
    void healthReportsTheDatabase() {
        ContractClient.givenInvalidRequest("users").get("/health/ready")
                .then().statusCode(200).body("status", is("UP")).body("checks.name", hasItem("database"));
        ContractClient.givenInvalidRequest("users").get("/health/live").then().statusCode(200);
        ContractClient.givenInvalidRequest("users").get("/health/started").then().statusCode(200);
        ContractClient.givenInvalidRequest("users").get("/metrics").then().statusCode(200);
    }

    @Test
    void registrationMakesServerBusinessAndDatabaseSpansInOneTrace() {
        RecordedSpans.Traceparent traceparent = RecordedSpans.traceparent();
        ContractClient.given("users").header("traceparent", traceparent.header()).contentType(JSON)
                .body("{\"name\":\"Span\",\"email\":\"" + uniqueEmail() + "\"}")
                .post("/users").then().statusCode(201);
        List<SpanData> trace = RecordedSpans.awaitTrace(traceparent.traceId(), "POST /users", Duration.ofSeconds(5));

        SpanData server = RecordedSpans.named(trace, "POST /users");
        SpanData business = RecordedSpans.named(trace, "users.register");
        SpanData insert = RecordedSpans.named(trace, "INSERT users");
        assertThat(server.getKind(), is(SpanKind.SERVER));
        assertThat(business.getKind(), is(SpanKind.INTERNAL));
        assertThat(business.getParentSpanId(), is(server.getSpanId()));
        assertThat(insert.getKind(), is(SpanKind.CLIENT));
        assertThat(insert.getParentSpanId(), is(business.getSpanId()));
        assertThat(insert.getAttributes().get(AttributeKey.stringKey("db.system")), is("h2"));
        assertThat(insert.getAttributes().get(AttributeKey.stringKey("db.operation.name")), is("INSERT"));
        assertThat(insert.getAttributes().get(AttributeKey.stringKey("db.collection.name")), is("users"));
        assertThat(business.getAttributes().get(AttributeKey.longKey("flowlens.user.id")), notNullValue());
        assertThat(business.getAttributes().get(AttributeKey.stringKey("flowlens.user.email_domain")), is("example.com"));
    }

    @Test
    void clientErrorsAreNotMarkedAsServerErrors() {
        RecordedSpans.Traceparent traceparent = RecordedSpans.traceparent();
        ContractClient.given("users").header("traceparent", traceparent.header()).get("/users/424242").then().statusCode(404);
        List<SpanData> trace = RecordedSpans.awaitTrace(traceparent.traceId(), "GET /users/{userId}", Duration.ofSeconds(5));
        SpanData server = RecordedSpans.named(trace, "GET /users/{userId}");
        assertThat(server.getStatus().getStatusCode(), is(org.hamcrest.Matchers.not(StatusCode.ERROR)));
        assertThat(server.getAttributes().get(AttributeKey.stringKey("flowlens.problem.type")), is("not-found"));
        assertThat(RecordedSpans.named(trace, "SELECT users").getParentSpanId(), equalTo(server.getSpanId()));
    }

    @Test
    void aRequestNoResourceMethodMatchesIsTracedAndAnsweredAsAProblem() {
        // a 405 and a 415 are decided while JAX-RS matches, before MicroProfile Telemetry's filter opens a span
        RecordedSpans.Traceparent wrongMethod = RecordedSpans.traceparent();
        // the contract has no DELETE and no 415, so these go without its validation
        ContractClient.givenOutsideContract().header("traceparent", wrongMethod.header()).delete("/users/1")
                .then().statusCode(405).contentType(PROBLEM).header("Allow", containsString("GET"))
                .body("trace_id", is(wrongMethod.traceId()));
        SpanData deleted = RecordedSpans.named(RecordedSpans.awaitTrace(wrongMethod.traceId(), "DELETE",
                Duration.ofSeconds(5)), "DELETE");
        assertThat(deleted.getKind(), is(SpanKind.SERVER));
        assertThat(deleted.getParentSpanId(), is(wrongMethod.header().substring(36, 52)));
        assertThat(deleted.getAttributes().get(AttributeKey.longKey("http.response.status_code")), is(405L));
        assertThat(deleted.getAttributes().get(AttributeKey.stringKey("url.path")), is("/users/1"));
        assertThat(deleted.getAttributes().get(AttributeKey.stringKey("flowlens.problem.type")), is("http-405"));
        assertThat("a 4xx is the caller's mistake", deleted.getStatus().getStatusCode(), is(StatusCode.UNSET));

        RecordedSpans.Traceparent wrongType = RecordedSpans.traceparent();
        ContractClient.givenOutsideContract().header("traceparent", wrongType.header()).contentType("text/plain")
                .body("hi").post("/users").then().statusCode(415).body("trace_id", is(wrongType.traceId()));
        SpanData posted = RecordedSpans.named(RecordedSpans.awaitTrace(wrongType.traceId(), "POST",
                Duration.ofSeconds(5)), "POST");
        assertThat(posted.getAttributes().get(AttributeKey.longKey("http.response.status_code")), is(415L));

        // a path nothing serves: Helidon's own 404, now a problem in the caller's trace
        RecordedSpans.Traceparent nowhere = RecordedSpans.traceparent();
        ContractClient.givenOutsideContract().header("traceparent", nowhere.header()).get("/nothing/here").then().statusCode(404)
                .contentType(PROBLEM).body("type", endsWithType("not-found"))
                .body("detail", is("nothing is served at GET /nothing/here")).body("instance", is("/nothing/here"))
                .body("trace_id", is(nowhere.traceId()));
        SpanData lost = RecordedSpans.named(RecordedSpans.awaitTrace(nowhere.traceId(), "GET", Duration.ofSeconds(5)),
                "GET");
        assertThat(lost.getAttributes().get(AttributeKey.longKey("http.response.status_code")), is(404L));
        // Helidon's own routes are still found after JAX-RS found nothing
        ContractClient.givenOutsideContract().get("/health/ready").then().statusCode(200);

        // a matched request keeps MicroProfile Telemetry's one span, named by its route
        RecordedSpans.Traceparent matched = RecordedSpans.traceparent();
        ContractClient.given("users").header("traceparent", matched.header()).get("/users/1").then().statusCode(200);
        List<SpanData> trace = RecordedSpans.awaitTrace(matched.traceId(), "GET /users/{userId}", Duration.ofSeconds(5));
        assertThat(trace.stream().filter(span -> span.getKind() == SpanKind.SERVER).count(), is(1L));
    }

    @Test
    void aStringThatIsNotTextIsA400() {
        // JSON allows both; PostgreSQL refused U+0000 (a 503 "database unavailable"), and a lone surrogate became '?'
        ContractClient.givenInvalidRequest("users").contentType(JSON)
                .body("{\"name\":\"Nul\\u0000Byte\",\"email\":\"" + uniqueEmail() + "\"}").post("/users").then()
                .statusCode(400).contentType(PROBLEM).body("type", endsWithType("malformed-body"))
                .body("detail", is("name: contains U+0000 at index 3, which text cannot hold"));
        ContractClient.givenInvalidRequest("users").contentType(JSON)
                .body("{\"name\":\"Lone \\ud800 half\",\"email\":\"" + uniqueEmail() + "\"}").post("/users").then()
                .statusCode(400).body("detail", is("name: contains an unpaired surrogate U+D800 at index 5, which is not"
                        + " Unicode text"));
        // a pair is a character like any other
        ContractClient.given("users").contentType(JSON)
                .body("{\"name\":\"Emoji \\ud83d\\ude00\",\"email\":\"" + uniqueEmail() + "\"}").post("/users").then()
                .statusCode(201).body("name", is("Emoji \uD83D\uDE00"));
    }

    @Test
    void aNamesLengthCountsCharactersAsTheContractDoesNotUtf16Units() {
        // maxLength counts code points; @Size counted UTF-16 units, so 51 to 100 emoji, a valid name, were a 400
        String emoji = "\uD83D\uDE00";
        int id = ContractClient.given("users").contentType(JSON)
                .body("{\"name\":\"" + emoji.repeat(100) + "\",\"email\":\"" + uniqueEmail() + "\"}")
                .post("/users").then().statusCode(201).body("name", is(emoji.repeat(100))).extract().path("id");
        ContractClient.given("users").get("/users/" + id).then().statusCode(200).body("name", is(emoji.repeat(100)));
        ContractClient.givenInvalidRequest("users").contentType(JSON)
                .body("{\"name\":\"" + emoji.repeat(101) + "\",\"email\":\"" + uniqueEmail() + "\"}")
                .post("/users").then().statusCode(400).contentType(PROBLEM)
                .body("detail", is("name length must be between 1 and 100"));
    }

    @Test
    void aBodyThatIsNotUtf8IsA400AndChangesNothing() {
        // Parsson decoded such bytes to U+FFFD: "caf\xE9" sent in Latin-1 was stored as "caf\uFFFD"
        String email = uniqueEmail();
        byte[][] notUtf8 = {
            {'c', 'a', 'f', (byte) 0xE9}, // Latin-1
            {'x', (byte) 0xFF, (byte) 0xFE, 'y'}, // never in UTF-8
            {'x', (byte) 0xC0, (byte) 0xAF, 'y'}, // an overlong '/'
            {'x', (byte) 0xED, (byte) 0xA0, (byte) 0x80, 'y'}, // an encoded surrogate (CESU-8)
            {'x', (byte) 0xE2, (byte) 0x82}, // a sequence cut short
        };
        for (String contentType : new String[] {"application/json", "application/json; charset=ISO-8859-1"}) {
            for (byte[] name : notUtf8) {
                ContractClient.givenInvalidRequest("users").contentType(contentType)
                        .body(jsonWithName(name, email)).post("/users").then()
                        .statusCode(400).contentType(PROBLEM).body("type", endsWithType("malformed-body"))
                        .body("detail", is("body: not UTF-8 text, which a JSON body must be (RFC 8259)"));
            }
        }
        // nothing was stored under the address, and UTF-8 is read as before
        ContractClient.given("users").contentType(JSON)
                .body(jsonWithName("caf\u00e9 \ud83d\ude00".getBytes(StandardCharsets.UTF_8), email))
                .post("/users").then().statusCode(201).body("name", is("caf\u00e9 \uD83D\uDE00"));
    }

    private static byte[] jsonWithName(byte[] name, String email) {
        byte[] head = "{\"name\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\",\"email\":\"" + email + "\"}").getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[head.length + name.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(name, 0, body, head.length, name.length);
        System.arraycopy(tail, 0, body, head.length + name.length, tail.length);
        return body;
    }

    @Test
    void aBodyNestedDeeperThanAnyContractIsA400() {
        // 1 001 nested arrays (2 KB) overflowed the request thread's stack while the wrong-type value was read
        for (int depth : new int[] {32, 1_001, 20_000}) { // under the body's object
            String body = "{\"name\":" + "[".repeat(depth) + "]".repeat(depth) + ",\"email\":\"" + uniqueEmail() + "\"}";
            ContractClient.givenInvalidRequest("users").contentType(JSON).body(body).post("/users").then()
                    .statusCode(400).contentType(PROBLEM).body("type", endsWithType("malformed-body"))
                    .body("detail", is("body: nested deeper than 32 levels"));
        }
        // 32 levels, the limit: the value is judged by its type
        ContractClient.givenInvalidRequest("users").contentType(JSON)
                .body("{\"name\":" + "[".repeat(31) + "]".repeat(31) + ",\"email\":\"" + uniqueEmail() + "\"}")
                .post("/users").then().statusCode(400).body("detail", is("name: expected a string, found an array"));
    }

    @Test
    void aBodyOverTheLimitIs413AndChangesNothing() throws IOException, InterruptedException {
        // a 200 MB body was read whole, by the idempotency filter and the JSON binding: an OutOfMemoryError in a 96 MB heap
        String email = uniqueEmail();
        String key = UUID.randomUUID().toString();
        String big = "{\"name\":\"" + "a".repeat(70_000) + "\",\"email\":\"" + email + "\"}";
        ContractClient.givenInvalidRequest("users").contentType(JSON).header("Idempotency-Key", key).body(big)
                .post("/users").then().statusCode(413).contentType(PROBLEM).body("type", endsWithType("content-too-large"))
                .body("detail", is("the request body has " + big.length() + " bytes; at most 65536 are accepted"));
        // chunked (a stream of unknown length), so no length is declared: refused once the limit is passed, whether
        // the idempotency filter or the JSON binding reads it
        for (String idempotencyKey : new String[] {key, null}) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:"
                    + CDI.current().getBeanManager().getExtension(ServerCdiExtension.class).port() + "/users"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(
                            big.getBytes(StandardCharsets.UTF_8))));
            if (idempotencyKey != null) {
                request.header("Idempotency-Key", idempotencyKey);
            }
            HttpResponse<String> chunked = HttpClient.newHttpClient().send(request.build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(chunked.statusCode(), is(413));
            assertThat(chunked.headers().firstValue("Content-Type").orElse(""), is(PROBLEM));
            assertThat(chunked.body(), containsString(
                    "\"detail\":\"the request body has more than 65536 bytes; at most 65536 are accepted\""));
        }
        // neither the user nor the key was taken
        ContractClient.given("users").contentType(JSON).header("Idempotency-Key", key)
                .body("{\"name\":\"Small\",\"email\":\"" + email + "\"}").post("/users").then().statusCode(201);
    }

    @Test
    void aBodyWhoseLengthCannotBeKnownIsRefusedAndTheConnectionClosed() throws IOException {
        // Helidon 4.1.6 read "Content-Length: -1" as chunked, past the 64 KiB limit: 200 MB so framed ran users out of
        // its heap. And it read the first of two lengths, or a length over a Transfer-Encoding, where a proxy in front
        // may read the other: whatever follows is then a different next request for each (request smuggling)
        String email = uniqueEmail();
        String user = "{\"name\":\"" + "a".repeat(70_000) + "\",\"email\":\"" + email + "\"}";
        String body = Integer.toHexString(user.length()) + "\r\n" + user + "\r\n0\r\n\r\n";
        String next = "GET /users/1 HTTP/1.1\r\nHost: localhost\r\n\r\n";
        String[][] refusals = {
            {"Content-Length: -1", "400", "Content-Length: must be a number of bytes (RFC 9110, 8.6), was '-1'"},
            {"Content-Length: 2\r\nContent-Length: 3", "400",
                "Content-Length: one length, not 2 different ones (RFC 9110, 8.6)"},
            {"Content-Length: 2\r\nTransfer-Encoding: chunked", "400",
                "a request has either Content-Length or Transfer-Encoding, not both (RFC 9112, 6.3)"},
            {"Transfer-Encoding: gzip", "400",
                "Transfer-Encoding: chunked must be the last coding (RFC 9112, 6.3), was 'gzip'"},
            {"Transfer-Encoding: gzip, chunked", "501",
                "Transfer-Encoding: only chunked, in lower case, is understood here, not 'gzip, chunked' (RFC 9112, 6.1)"},
            {"Transfer-Encoding: Chunked", "501", // Helidon read it as no body, and the body as the next request
                "Transfer-Encoding: only chunked, in lower case, is understood here, not 'Chunked' (RFC 9112, 6.1)"},
        };
        for (String[] refusal : refusals) {
            RawRequest.Answer answer = RawRequest.exchange(server(), ("POST /users HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\n" + refusal[0] + "\r\n\r\n" + body + next)
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(refusal[0], answer.text(), allOf(startsWith("HTTP/1.1 " + refusal[1]),
                    containsString("Connection: close"), containsString("Content-Type: " + PROBLEM),
                    containsString("\"type\":\"https://flowlens.io/problems/malformed-request\""),
                    containsString("\"detail\":\"" + refusal[2] + "\"")));
            assertThat(refusal[0] + ": closed, so what followed the head was never read as the next request",
                    answer.closed(), is(true));
        }
        // the same body, framed as HTTP/1.1 says, is read (and refused at the limit); the address was never taken
        String chunked = RawRequest.answer(server(), ("POST /users HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
                .getBytes(StandardCharsets.UTF_8));
        assertThat(chunked, allOf(startsWith("HTTP/1.1 413"), containsString("content-too-large")));
        ContractClient.given("users").contentType(JSON).body("{\"name\":\"Framed\",\"email\":\"" + email + "\"}")
                .post("/users").then().statusCode(201);
    }

    @Test
    void aBodyThatCannotBeReadIsTheCallersMistakeNotTheServers() throws IOException {
        // Helidon's parser threw a NumberFormatException for a chunk size that is not hexadecimal, and its DataReader's
        // exception when the client went away before the declared length arrived: both were 500s, error spans
        String email = uniqueEmail();
        String user = "{\"name\":\"Chunk\",\"email\":\"" + email + "\"}";
        String badChunk = RawRequest.answer(server(), ("POST /users HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n" + user
                + "\r\n0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        assertThat(badChunk, allOf(startsWith("HTTP/1.1 400"), containsString("Content-Type: " + PROBLEM),
                containsString("\"type\":\"https://flowlens.io/problems/malformed-body\""),
                containsString("\"detail\":\"body: the chunked transfer coding is malformed, or has chunk extensions or"
                        + " trailers, which this server does not read (RFC 9112, 7.1)\"")));
        // nobody reads the answer to a client that left; its span says what it was
        RecordedSpans.Traceparent left = RecordedSpans.traceparent();
        RawRequest.sendAndLeave(server(), ("POST /users HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nContent-Length: 200\r\ntraceparent: " + left.header()
                + "\r\n\r\n" + user.substring(0, 20)).getBytes(StandardCharsets.UTF_8));
        SpanData server = RecordedSpans.named(RecordedSpans.awaitTrace(left.traceId(), "POST /users",
                Duration.ofSeconds(10)), "POST /users");
        assertThat(server.getAttributes().get(AttributeKey.longKey("http.status_code")), is(400L));
        assertThat(server.getAttributes().get(AttributeKey.stringKey("flowlens.problem.type")), is("malformed-body"));
        assertThat("a 4xx is the caller's mistake", server.getStatus().getStatusCode(), is(StatusCode.UNSET));
        ContractClient.given("users").contentType(JSON).body(user).post("/users").then().statusCode(201);
    }

    @Test
    void aMediaTypeHeaderJerseyCannotParseIsAProblemNotABare400() throws IOException {
        // Jersey answered its own parse failure with a 400 of no body and no content type, asking no exception mapper
        String email = uniqueEmail();
        String user = "{\"name\":\"Media\",\"email\":\"" + email + "\"}";
        String[][] malformed = {
            {"Accept: ///", "Accept must be a list of media ranges (RFC 9110, 12.5.1)"},
            {"Content-Type: ;;;", "Content-Type must be a media type (RFC 9110, 8.3)"},
        };
        for (String[] header : malformed) {
            RecordedSpans.Traceparent traceparent = RecordedSpans.traceparent();
            String answer = RawRequest.answer(server(), ("POST /users HTTP/1.1\r\nHost: localhost\r\n"
                    + (header[0].startsWith("Accept") ? "Content-Type: application/json\r\n" : "") + header[0]
                    + "\r\ntraceparent: " + traceparent.header() + "\r\nContent-Length: " + user.length()
                    + "\r\n\r\n" + user).getBytes(StandardCharsets.UTF_8));
            assertThat(header[0], answer, allOf(startsWith("HTTP/1.1 400"), containsString("Content-Type: " + PROBLEM),
                    containsString("\"type\":\"https://flowlens.io/problems/validation\""),
                    containsString("\"detail\":\"" + header[1] + "\""),
                    containsString("\"trace_id\":\"" + traceparent.traceId() + "\"")));
        }
        // a media type Jersey parses is not refused here (it may still not be one the operation consumes)
        ContractClient.given("users").contentType("application/json; charset=utf-8").accept("application/json, */*;q=0.1")
                .body(user).post("/users").then().statusCode(201);
    }

    private static URI server() {
        return URI.create("http://localhost:"
                + CDI.current().getBeanManager().getExtension(ServerCdiExtension.class).port());
    }

    @Test
    void aQueryParameterTheOperationDoesNotDeclareChangesNothing() {
        String email = uniqueEmail();
        String body = "{\"name\":\"Query\",\"email\":\"" + email + "\"}";
        String key = UUID.randomUUID().toString();
        ContractClient.givenInvalidRequest("users").contentType(JSON).header("Idempotency-Key", key).body(body)
                .post("/users?dry_run=true").then().statusCode(400).contentType(PROBLEM)
                .body("type", endsWithType("validation")).body("violations.field", contains("dry_run"))
                .body("detail", is("dry_run: not a parameter of this operation, which takes none"));
        // neither the user nor the key was taken: the same request without it creates the user
        ContractClient.given("users").contentType(JSON).header("Idempotency-Key", key).body(body)
                .post("/users").then().statusCode(201).body("email", is(email));
        ContractClient.givenInvalidRequest("users").get("/users?limit=5&ofset=10").then().statusCode(400)
                .body("detail", is("ofset: not a parameter of this operation, which takes limit, offset"));
    }

    @Test
    void aMalformedQueryIsTracedAndAnsweredAsAProblem() throws IOException {
        // refused by server-check's query grammar before routing, so before MicroProfile Telemetry's filter too
        RecordedSpans.Traceparent malformed = RecordedSpans.traceparent();
        String answer = RawRequest.get(URI.create("http://localhost:"
                + CDI.current().getBeanManager().getExtension(ServerCdiExtension.class).port()), "/users?limit=5|6",
                "traceparent: " + malformed.header());
        assertThat(answer, allOf(startsWith("HTTP/1.1 400"), containsString("Content-Type: " + PROBLEM),
                containsString("\"type\":\"https://flowlens.io/problems/malformed-query\""),
                containsString("\"detail\":\"'|' at index 7 of the query is not allowed unencoded (RFC 3986);"
                        + " percent-encode it as %7C\""),
                containsString("\"instance\":\"/users\""), containsString("\"trace_id\":\"" + malformed.traceId())));
        SpanData refused = RecordedSpans.named(RecordedSpans.awaitTrace(malformed.traceId(), "GET",
                Duration.ofSeconds(5)), "GET");
        assertThat(refused.getKind(), is(SpanKind.SERVER));
        assertThat(refused.getParentSpanId(), is(malformed.header().substring(36, 52)));
        assertThat(refused.getAttributes().get(AttributeKey.longKey("http.response.status_code")), is(400L));
        assertThat(refused.getAttributes().get(AttributeKey.stringKey("url.path")), is("/users"));
        assertThat(refused.getAttributes().get(AttributeKey.stringKey("flowlens.problem.type")),
                is("malformed-query"));
        assertThat("a 4xx is the caller's mistake", refused.getStatus().getStatusCode(), is(StatusCode.UNSET));
        // the same list, encoded as RFC 3986 asks, reaches the resource (whose own check refuses "5|6" as a limit)
        ContractClient.givenInvalidRequest("users").queryParam("limit", "5|6").get("/users").then().statusCode(400)
                .body("type", endsWithType("validation"));
    }

    @Test
    void aRefusedMethodOrMediaTypeSaysWhatWouldWork() {
        // JAX-RS's own messages only repeated the status ("HTTP 405 Method Not Allowed")
        ContractClient.givenOutsideContract().delete("/users/1").then().statusCode(405).contentType(PROBLEM)
                .header("Allow", is("GET,HEAD,OPTIONS"))
                .body("detail", is("DELETE is not allowed on /users/1; allowed: GET, HEAD, OPTIONS"));
        // the Allow header's HEAD (Jersey's own 405 left it out) is served
        ContractClient.givenOutsideContract().head("/users/1").then().statusCode(200);
        ContractClient.givenOutsideContract().contentType("text/plain").body("hi").post("/users").then().statusCode(415)
                .contentType(PROBLEM).body("detail", allOf(startsWith("Content-Type text/plain"),
                        endsWith(" is not accepted by POST /users; send application/json")));
        ContractClient.givenOutsideContract().accept("text/csv").get("/users/1").then().statusCode(406)
                .contentType(PROBLEM).body("detail", is("GET /users/1 answers application/json or"
                        + " application/problem+json, which the Accept header (text/csv) does not take"));
    }

    private static org.hamcrest.Matcher<String> endsWithType(String type) {
        return startsWith("https://flowlens.io/problems/" + type);
    }

    private static long total() {
        return ((Number) ContractClient.given("users").get("/users").then().statusCode(200).extract().path("total")).longValue();
    }
}
