package io.flowlens.orchestrator;

import io.flowlens.testing.StandInUsers;
import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;

/**
 * The orchestrator with its three generated clients pointed at the stand-in services ({@link StandInUsers},
 * {@link FakeDownstreams}) that the test's own server runs under {@code /fake}, on the free port the tests'
 * configuration chose. Helidon's test extension collects {@code @AddBean} and {@code @AddConfig} from a test class's
 * superclasses too, so a test extends this and adds only what it sets differently (the stand-in payments' keys, a
 * timeout, the recovery round's schedule).
 */
@AddBean(StandInUsers.class)
@AddBean(FakeDownstreams.Orders.class)
@AddBean(FakeDownstreams.Payments.class)
@AddConfig(key = "server.port", value = "${flowlens.test.port}")
@AddConfig(key = "users/mp-rest/url", value = "http://localhost:${flowlens.test.port}/fake")
@AddConfig(key = "orders/mp-rest/url", value = "http://localhost:${flowlens.test.port}/fake")
@AddConfig(key = "payments/mp-rest/url", value = "http://localhost:${flowlens.test.port}/fake")
abstract class AgainstStandIns {
}
