package io.flowlens.spanindexer;

import io.helidon.microprofile.server.ServerCdiExtension;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.restassured.RestAssured;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.flowlens.spanindexer.OtlpRequests.spans;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

/**
 * A full queue refuses the batch with 503 and Retry-After and takes none of it, so the sender's retry loses nothing.
 * Elasticsearch is unreachable, so nothing leaves the five-span queue during the test.
 */
@HelidonTest
@AddConfig(key = "otel.exporter.elasticsearch.endpoint", value = "http://127.0.0.1:9")
@AddConfig(key = "otel.exporter.elasticsearch.queue-size", value = "5")
class QueueFullTest {

    @Inject
    private SpanSink sink;

    @Test
    void aBatchThatDoesNotFitIsRefusedWhole() {
        int port = CDI.current().getBeanManager().getExtension(ServerCdiExtension.class).port();
        RestAssured.given().port(port).contentType("application/x-protobuf").body(spans(4).toByteArray())
                .post("/v1/traces").then().statusCode(200);
        assertThat(sink.stats().queued(), is(4));

        RestAssured.given().port(port).contentType("application/x-protobuf").body(spans(2).toByteArray())
                .post("/v1/traces")
                .then().statusCode(503).contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .body("type", is("https://flowlens.io/problems/indexer-busy"));
        assertThat(sink.stats().queued(), is(4));
        assertThat(sink.refusedSpans(), is(2L));
        assertThat(sink.stats().dropped(), is(0L));

        RestAssured.given().port(port).contentType("application/x-protobuf").body(spans(1).toByteArray())
                .post("/v1/traces").then().statusCode(200);
        assertThat(sink.stats().queued(), is(5));
        RestAssured.given().port(port).get("/health/ready").then().statusCode(503);
    }
}
