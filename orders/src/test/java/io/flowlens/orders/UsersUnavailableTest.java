package io.flowlens.orders;

import io.flowlens.observability.ContractClient;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.restassured.http.ContentType.JSON;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/** With the users service unreachable, creating an order is a quick 503 problem and writes nothing. */
@HelidonTest
@AddConfig(key = "users/mp-rest/url", value = "http://127.0.0.1:9")
class UsersUnavailableTest {

    @Inject
    private OrderStore store;

    @Test
    void unreachableUsersServiceIs503() {
        long before = store.count();
        long start = System.nanoTime();
        ContractClient.given("orders").contentType(JSON).body("{\"userId\":1,\"amount\":5,\"currency\":\"EUR\"}")
                .post("/orders").then().statusCode(503).contentType("application/problem+json")
                .body("type", is("https://flowlens.io/problems/downstream-unavailable"));
        assertThat((System.nanoTime() - start) / 1_000_000, lessThan(3000L));
        assertThat(store.count(), is(before));
    }
}
