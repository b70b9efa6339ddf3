package io.flowlens.spanindexer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

import io.flowlens.servercheck.RawRequest;
import io.helidon.microprofile.server.ServerCdiExtension;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.Span;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.flowlens.spanindexer.OtlpRequests.hex;
import static io.flowlens.spanindexer.OtlpRequests.request;
import static io.flowlens.spanindexer.OtlpRequests.span;
import static io.flowlens.spanindexer.OtlpRequests.spans;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * The receiver in-process. Elasticsearch is unreachable on purpose (port 9 refuses connections): the exporter then
 * keeps everything it was given in its queue, so the queue depth shows exactly what the endpoint handed over.
 */
@HelidonTest
@AddConfig(key = "otel.exporter.elasticsearch.endpoint", value = "http://127.0.0.1:9")
class TracesResourceTest {

    private static final String PROTOBUF = "application/x-protobuf";

    @Inject
    private SpanSink sink;

    private static RequestSpecification given() {
        return RestAssured.given()
                .port(CDI.current().getBeanManager().getExtension(ServerCdiExtension.class).port());
    }

    @Test
    void takesAPlainProtobufBatch() {
        int before = sink.stats().queued();
        byte[] answer = given().contentType(PROTOBUF).body(spans(3).toByteArray())
                .post("/v1/traces")
                .then().statusCode(200).contentType(PROTOBUF)
                .extract().asByteArray();
        assertThat(parse(answer).hasPartialSuccess(), is(false));
        assertThat(sink.stats().queued() - before, is(3));
    }

    @Test
    void takesAGzipBatch() throws IOException {
        int before = sink.stats().queued();
        given().contentType(PROTOBUF).header("Content-Encoding", "gzip").body(gzip(spans(2).toByteArray()))
                .post("/v1/traces")
                .then().statusCode(200);
        assertThat(sink.stats().queued() - before, is(2));
    }

    @Test
    void reportsSpansWithoutIdsAsPartialSuccess() {
        int before = sink.stats().queued();
        Span noIds = span("0000000000000001").clearTraceId().clearSpanId().build();
        byte[] answer = given().contentType(PROTOBUF)
                .body(request("users", noIds, span("0000000000000002").build()).toByteArray())
                .post("/v1/traces")
                .then().statusCode(200)
                .extract().asByteArray();
        ExportTraceServiceResponse response = parse(answer);
        assertThat(response.getPartialSuccess().getRejectedSpans(), is(1L));
        assertThat(response.getPartialSuccess().getErrorMessage(), containsString("trace id"));
        assertThat(sink.stats().queued() - before, is(1));
    }

    @Test
    void aBodyThatIsNotProtobufIsABadRequestAndNothingIsQueued() {
        int before = sink.stats().queued();
        given().contentType(PROTOBUF).body(new byte[] {(byte) 0xff, 0x01, 0x02})
                .post("/v1/traces")
                .then().statusCode(400).contentType("application/problem+json")
                .body("status", is(400))
                .body("type", is("https://flowlens.io/problems/malformed-otlp"))
                .body("detail", containsString("ExportTraceServiceRequest"));
        assertThat(sink.stats().queued(), is(before));
    }

    @Test
    void aBodyOverTheLimitIs413WhetherSentOrDecodedSoAndNothingIsQueued() throws IOException {
        // a body read whole ran the indexer's heap out; a gzip body of ~40 KB decodes to 40 MiB
        int before = sink.stats().queued();
        byte[] overTheLimit = new byte[33_554_433];
        given().contentType(PROTOBUF).body(overTheLimit).post("/v1/traces")
                .then().statusCode(413).contentType("application/problem+json")
                .body("type", is("https://flowlens.io/problems/content-too-large"))
                .body("detail", is("the export request has more than 33554432 bytes (decoded); at most 33554432"
                        + " are accepted"));
        byte[] bomb = gzip(new byte[40 * 1024 * 1024]);
        assertThat("the gzip body itself is small", bomb.length < 100_000, is(true));
        given().contentType(PROTOBUF).header("Content-Encoding", "gzip").body(bomb).post("/v1/traces")
                .then().statusCode(413).contentType("application/problem+json");
        assertThat(sink.stats().queued(), is(before));
    }

    @Test
    void aBodyWhoseLengthCannotBeKnownIsRefusedAndNothingIsQueued() throws IOException {
        // Helidon 4.1.6 read "Content-Length: -1" as chunked; server-check's framing check refuses it for every server
        int before = sink.stats().queued();
        byte[] export = spans(3).toByteArray();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        sent.writeBytes(("POST /v1/traces HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + PROTOBUF
                + "\r\nContent-Length: -1\r\n\r\n" + Integer.toHexString(export.length) + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        sent.writeBytes(export);
        sent.writeBytes("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        RawRequest.Answer answer = RawRequest.exchange(URI.create("http://localhost:"
                + CDI.current().getBeanManager().getExtension(ServerCdiExtension.class).port()), sent.toByteArray());
        assertThat(answer.text(), allOf(startsWith("HTTP/1.1 400"), containsString("Connection: close"),
                containsString("\"type\":\"https://flowlens.io/problems/malformed-request\""),
                containsString("\"detail\":\"Content-Length: must be a number of bytes (RFC 9110, 8.6), was '-1'\"")));
        assertThat(answer.closed(), is(true));
        assertThat(sink.stats().queued(), is(before));
    }

    @Test
    void aBodyThatCannotBeReadAsFramedOrAMediaTypeThatDoesNotParseIsABadRequest() throws IOException {
        // Helidon's parser threw a NumberFormatException for a chunk size that is not hexadecimal: a 500 in text/plain
        int before = sink.stats().queued();
        URI server = URI.create("http://localhost:"
                + CDI.current().getBeanManager().getExtension(ServerCdiExtension.class).port());
        String head = "POST /v1/traces HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + PROTOBUF + "\r\n";
        String badChunk = RawRequest.answer(server, (head + "Transfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(badChunk, allOf(startsWith("HTTP/1.1 400"), containsString("application/problem+json"),
                containsString("\"type\":\"https://flowlens.io/problems/malformed-otlp\""),
                containsString("the chunked transfer coding is malformed, or has chunk extensions or trailers, which"
                        + " this server does not read (RFC 9112, 7.1)")));
        // Jersey answered a media type it cannot parse with a bare 400: no body, no content type
        String badAccept = RawRequest.answer(server, (head + "Accept: ///\r\nContent-Length: 0\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(badAccept, allOf(startsWith("HTTP/1.1 400"), containsString("application/problem+json"),
                containsString("\"detail\":\"Accept must be a list of media ranges (RFC 9110, 12.5.1)\"")));
        assertThat(sink.stats().queued(), is(before));
    }

    @Test
    void aBodyThatIsNotGzipAsDeclaredIsABadRequest() {
        int before = sink.stats().queued();
        given().contentType(PROTOBUF).header("Content-Encoding", "gzip").body(spans(1).toByteArray())
                .post("/v1/traces")
                .then().statusCode(400).contentType("application/problem+json");
        assertThat(sink.stats().queued(), is(before));
    }

    @Test
    void anUnknownEncodingIsRefusedByTheServer() {
        int before = sink.stats().queued();
        given().contentType(PROTOBUF).header("Content-Encoding", "br").body(spans(1).toByteArray())
                .post("/v1/traces")
                .then().statusCode(400);
        assertThat(sink.stats().queued(), is(before));
    }

    @Test
    void jsonIsNotAcceptedAsProtobuf() {
        given().contentType("application/json").body("{}")
                .post("/v1/traces")
                .then().statusCode(415).contentType("application/problem+json")
                .body("detail", is("Content-Type application/json is not accepted: this OTLP/HTTP receiver takes binary"
                        + " protobuf (application/x-protobuf), not OTLP/JSON"));
    }

    @Test
    void metricsCountTheRequestsAndTheExporter() {
        given().contentType(PROTOBUF).body(request("users", span("00000000000000aa").build(),
                        span("00000000000000ab").setSpanId(hex("00")).build()).toByteArray())
                .post("/v1/traces").then().statusCode(200);
        String metrics = given().accept("text/plain").get("/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics, containsString("flowlens_indexer_requests_received"));
        assertThat(metric(metrics, "flowlens_indexer_spans_rejected") >= 1, is(true));
        assertThat(metric(metrics, "flowlens_telemetry_elasticsearch_spans_queued"), is((double) sink.stats().queued()));
        assertThat(metrics, containsString("flowlens_telemetry_elasticsearch_spans_dropped"));
    }

    @Test
    void isReadyWhileElasticsearchIsUnreachable() {
        given().get("/health/ready").then().statusCode(200).body("checks[0].name", is("span-queue"));
    }

    static double metric(String metrics, String name) {
        return metrics.lines().filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no metric " + name + " in:\n" + metrics));
    }

    static ExportTraceServiceResponse parse(byte[] body) {
        try {
            return ExportTraceServiceResponse.parseFrom(body);
        } catch (IOException e) {
            throw new AssertionError("not an ExportTraceServiceResponse", e);
        }
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        }
        return out.toByteArray();
    }
}
