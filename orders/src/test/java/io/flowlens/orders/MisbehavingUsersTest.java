package io.flowlens.orders;

import java.time.Duration;
import java.util.List;

import io.flowlens.testing.ContractClient;
import io.flowlens.testing.RecordedSpans;
import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.flowlens.testing.ProblemAnswer.problem;
import static io.restassured.http.ContentType.JSON;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/**
 * When the users service fails, orders says which way, as its contract lists: 502 for a users server error,
 * 504 when users does not answer within the client's read timeout; nothing is written either way.
 */
@HelidonTest
@AddBean(MisbehavingUsers.class)
@AddConfig(key = "server.port", value = "${flowlens.test.port}")
@AddConfig(key = "users/mp-rest/url", value = "http://localhost:${flowlens.test.port}/misbehaving")
@AddConfig(key = "users/mp-rest/readTimeout", value = "300")
class MisbehavingUsersTest {

    @Inject
    private OrderStore store;

    private static String order(long userId) {
        return "{\"user_id\":" + userId + ",\"amount\":5,\"currency\":\"EUR\"}";
    }

    @Test
    void usersServerErrorIs502AndWritesNothing() {
        long before = store.count();
        RecordedSpans.Traceparent traceparent = RecordedSpans.traceparent();
        ContractClient.given("orders").header("traceparent", traceparent.header()).contentType(JSON)
                .body(order(MisbehavingUsers.FAILING)).post("/orders")
                .then().spec(problem(502, "downstream-error")).body("detail", is("users answered 500"));
        assertThat(store.count(), is(before));

        List<SpanData> trace = RecordedSpans.awaitTrace(traceparent.traceId(), "POST /orders", Duration.ofSeconds(5));
        assertThat("a failed downstream is a server-side failure of the business step",
                RecordedSpans.named(trace, "orders.create").getStatus().getStatusCode(), is(StatusCode.ERROR));
        assertThat("no insert was tried", trace.stream().noneMatch(s -> s.getName().equals("INSERT orders")), is(true));
    }

    @Test
    void slowUsersServiceIs504WithinTheReadTimeout() {
        long before = store.count();
        // the REST client's first call builds it (seconds in a cold JVM on a loaded machine): not what is timed here
        ContractClient.given("orders").contentType(JSON).body(order(42)).post("/orders").then().statusCode(422);
        long start = System.nanoTime();
        ContractClient.given("orders").contentType(JSON).body(order(MisbehavingUsers.SLOW)).post("/orders")
                .then().spec(problem(504, "downstream-timeout")).body("detail", is("users did not answer in time"));
        assertThat("answered without waiting for the slow users service",
                Duration.ofNanos(System.nanoTime() - start), lessThan(MisbehavingUsers.SLOWNESS));
        assertThat(store.count(), is(before));
    }

    @Test
    void unknownUserIsStill422() {
        ContractClient.given("orders").contentType(JSON).body(order(42)).post("/orders")
                .then().spec(problem(422, "unprocessable")).body("detail", is("user 42 does not exist"));
    }
}
