package io.flowlens.orders;

import java.time.Duration;

import io.flowlens.testing.ContractClient;
import io.flowlens.testing.StandInUsers;
import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import org.junit.jupiter.api.Test;

import static io.restassured.http.ContentType.JSON;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** An order nobody confirms or cancels does not stay PENDING: the sweeper cancels it after the timeout. */
@HelidonTest
@AddBean(StandInUsers.class)
@AddConfig(key = "server.port", value = "${flowlens.test.port}")
@AddConfig(key = "users/mp-rest/url", value = "http://localhost:${flowlens.test.port}/fake")
// long enough for the test to confirm its second order first on a busy machine
@AddConfig(key = "orders.pending-timeout", value = "PT2S")
@AddConfig(key = "io.flowlens.orders.PendingOrderSweeper.sweep.schedule.initial-delay", value = "200")
@AddConfig(key = "io.flowlens.orders.PendingOrderSweeper.sweep.schedule.delay", value = "200")
@AddConfig(key = "io.flowlens.orders.PendingOrderSweeper.sweep.schedule.time-unit", value = "MILLISECONDS")
class PendingOrderSweeperTest {

    @Test
    void abandonedPendingOrderIsCancelledButAConfirmedOneIsNot() throws InterruptedException {
        int abandoned = ContractClient.given("orders").contentType(JSON).body("{\"user_id\":1,\"amount\":9,\"currency\":\"EUR\"}")
                .post("/orders").then().statusCode(201).extract().path("id");
        int confirmed = ContractClient.given("orders").contentType(JSON).body("{\"user_id\":1,\"amount\":9,\"currency\":\"EUR\"}")
                .post("/orders").then().statusCode(201).extract().path("id");
        ContractClient.given("orders").contentType(JSON).body("{\"payment_id\":5}").post("/orders/" + confirmed + "/confirm")
                .then().statusCode(200);

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String status = "PENDING";
        while (System.nanoTime() < deadline && status.equals("PENDING")) {
            Thread.sleep(100);
            status = ContractClient.given("orders").get("/orders/" + abandoned).then().extract().path("status");
        }
        assertThat(status, is("CANCELLED"));
        ContractClient.given("orders").get("/orders/" + abandoned).then()
                .body("cancel_reason", is("expired: no payment decision in time"));
        ContractClient.given("orders").get("/orders/" + confirmed).then().body("status", is("CONFIRMED"));
    }
}
