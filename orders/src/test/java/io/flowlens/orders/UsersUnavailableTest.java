package io.flowlens.orders;

import java.time.Duration;

import io.flowlens.testing.ContractClient;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.flowlens.testing.ProblemAnswer.problem;
import static io.restassured.http.ContentType.JSON;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/** With the users service unreachable (nothing listens on port 9), creating an order is a quick 503 and writes nothing. */
@HelidonTest
@AddConfig(key = "users/mp-rest/url", value = "http://127.0.0.1:9")
class UsersUnavailableTest {

    @Inject
    private OrderStore store;

    @Test
    void unreachableUsersServiceIs503() {
        long before = store.count();
        Duration elapsed = Duration.ZERO;
        // the first call also builds the REST client (seconds in a cold JVM on a loaded machine): the second is timed
        for (int call = 0; call < 2; call++) {
            long start = System.nanoTime();
            ContractClient.given("orders").contentType(JSON).body("{\"user_id\":1,\"amount\":5,\"currency\":\"EUR\"}")
                    .post("/orders")
                    .then().spec(problem(503, "downstream-unavailable")).body("detail", is("users cannot be reached"));
            elapsed = Duration.ofNanos(System.nanoTime() - start);
        }
        assertThat("a refused connection must not wait for the read timeout", elapsed, lessThan(Duration.ofSeconds(3)));
        assertThat(store.count(), is(before));
    }
}
