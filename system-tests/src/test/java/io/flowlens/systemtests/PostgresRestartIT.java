package io.flowlens.systemtests;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.flowlens.systemtests.FlowTraffic.Flow;
import io.restassured.RestAssured;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/**
 * PostgreSQL stopped for {@link #OUTAGE} under paced full flows and started again (as a crash and restart of the
 * database server looks to its clients: open connections broken, the port refusing). The four services stay up and
 * say they are not ready; requests in the outage get 503/504 problem+json, never a 500, within the orchestrator's own
 * bound on a flow; afterwards the flows
 * succeed again without restarting anything. In the databases themselves: every flow answered 200 has its order and
 * payment rows in the state it reported (no answered write lost), no order has two payments and no flow two orders
 * (no duplicate from a retry that crossed the outage).
 */
@ResourceLock(Lanes.MAIN)
class PostgresRestartIT {

    private static final Duration OUTAGE = Duration.ofSeconds(6);
    /**
     * The longest a flow may take by the orchestrator's configuration (6 calls x (4 x 3 s + 3 x 0.7 s), see its
     * flowlens.flow.recovery-after). While the database is down each attempt waits up to the pool's 2 s connection
     * timeout before its 503, so a flow that meets the outage at the payment and again at the compensation takes
     * tens of seconds: slow, bounded, and answered.
     */
    private static final Duration LONGEST_FLOW = Duration.ofMillis(84_600);

    private static SystemUnderTest system;
    private static PostgresDatabases databases;
    private static ServiceProcesses services;

    @BeforeAll
    static void start() {
        system = SystemUnderTest.get();
        databases = PostgresDatabases.fresh(system, "restart");
        services = ServiceProcesses.start(system.root(), system.otlp(),
                Map.of(), "postgres-restart", databases);
    }

    @AfterAll
    static void stop() {
        if (services != null) {
            services.close();
        }
        system.postgres(PostgresDatabases.StackCommand.UP); // whatever happened, the next Postgres test finds it up
    }

    @Test
    void aPostgresqlRestartUnderTrafficLosesNoAnsweredWriteAndDuplicatesNothing() throws Exception {
        Map<String, Long> pids = new HashMap<>();
        ServiceProcesses.SERVICES.forEach(service -> pids.put(service, services.pid(service)));
        FlowTraffic traffic = FlowTraffic.start(services.url("orchestrator"), LONGEST_FLOW.plusSeconds(5));
        Awaitility.await("flows answered before the outage").atMost(Duration.ofSeconds(30))
                .until(() -> traffic.answeredOk() >= 5);

        system.postgres(PostgresDatabases.StackCommand.DOWN);
        Awaitility.await("orders says it is not ready while its database is down").atMost(Duration.ofSeconds(10))
                .until(() -> RestAssured.given().baseUri(services.url("orders")).get("/health/ready").statusCode() == 503);
        RestAssured.given().baseUri(services.url("orders")).get("/health/live").then().statusCode(200);
        ServiceProcesses.sleep(OUTAGE.toMillis()); // the outage itself: traffic keeps coming for this long
        system.postgres(PostgresDatabases.StackCommand.UP);
        long back = System.nanoTime();
        long answeredAtRestart = traffic.answeredOk();
        Awaitility.await("flows answered again after the restart").atMost(LONGEST_FLOW.plusSeconds(30))
                .until(() -> traffic.answeredOk() >= answeredAtRestart + 5);
        long recoveryMillis = (System.nanoTime() - back) / 1_000_000;
        List<Flow> flows = traffic.stop();

        List<Flow> failed = flows.stream().filter(flow -> flow.status() != 200).toList();
        assertThat("the outage was felt: " + Flow.summary(flows), failed.isEmpty(), is(false));
        assertThat("a database outage is 503/504 problem+json, never a 500 or no answer: " + Flow.summary(flows),
                failed.stream().filter(flow -> flow.status() != 503 && flow.status() != 504).toList(), is(empty()));
        assertThat("no flow outlived the orchestrator's own bound: slowest took " + Flow.slowestMillis(flows) + " ms",
                Flow.slowestMillis(flows), lessThan(LONGEST_FLOW.toMillis()));
        for (String service : ServiceProcesses.SERVICES) {
            assertThat(service + " was not restarted", services.pid(service), is(pids.get(service)));
        }

        List<Flow> answered = flows.stream().filter(flow -> flow.status() == 200).toList();
        for (Flow flow : answered) {
            assertThat("order " + flow.orderId() + " as the flow answered", value("orders",
                    "SELECT status FROM orders WHERE id = " + flow.orderId()), is(flow.orderStatus()));
            assertThat("payment " + flow.paymentId() + " of order " + flow.orderId(), value("payments",
                    "SELECT order_id FROM payments WHERE id = " + flow.paymentId()), is(String.valueOf(flow.orderId())));
        }
        assertThat("orders with more than one payment", rows("payments",
                "SELECT order_id FROM payments GROUP BY order_id HAVING count(*) > 1"), is(empty()));
        assertThat("orders shared by two answered flows", answered.stream().map(Flow::orderId).distinct().count(),
                is((long) answered.size()));
        System.out.printf("outage=postgres requests=%d by-status=%s lost=0 duplicated=0 slowest-ms=%d recovery-ms=%d%n",
                flows.size(), Flow.summary(flows), Flow.slowestMillis(flows), recoveryMillis);
    }

    private static String value(String service, String sql) throws SQLException {
        List<String> rows = rows(service, sql);
        return rows.isEmpty() ? null : rows.get(0);
    }

    private static List<String> rows(String service, String sql) throws SQLException {
        try (Connection connection = databases.connect(service); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (result.next()) {
                values.add(result.getString(1));
            }
            return values;
        }
    }
}
