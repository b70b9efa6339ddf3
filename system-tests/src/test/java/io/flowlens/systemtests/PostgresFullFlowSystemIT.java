package io.flowlens.systemtests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * {@link FullFlowSystemIT}'s tests with the four services on PostgreSQL (the stack's own cluster, a fresh database per
 * service that the unchanged Flyway migrations fill), plus what only PostgreSQL can show: the rows and the spans.
 */
@ResourceLock(Lanes.MAIN)
class PostgresFullFlowSystemIT extends FullFlowSystemIT {

    private static PostgresDatabases databases;

    @BeforeAll
    static void start() {
        system = SystemUnderTest.get();
        databases = PostgresDatabases.fresh(system, "full_flow");
        services = ServiceProcesses.start(system.root(), system.otlp(),
                Map.of(), "full-flow-postgres", databases);
        // Fresh JVMs, unlike the shared set the H2 variant finds warmed by earlier classes: on a loaded machine their
        // first requests can outlast the orchestrator's 3 s per call. Warm them until a flow gets through, so the
        // tests see services as warm as the H2 variant's.
        Awaitility.await("a flow through the fresh services").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> RestAssured.given().baseUri(services.url("orchestrator")).get("/demo/full-flow/1")
                        .statusCode() == 200);
    }

    @AfterAll
    static void stop() {
        if (services != null) {
            services.close();
        }
    }

    @Test
    void theFlowsRowsAreInPostgresqlAndItsStatementSpansSaySo() throws Exception {
        JsonPath flow = RestAssured.given().baseUri(services.url("orchestrator")).get("/demo/full-flow/3")
                .then().statusCode(200).extract().jsonPath();
        assertThat(flow.getString("outcome"), is("COMPLETED"));

        try (Connection orders = databases.connect("orders"); Statement statement = orders.createStatement();
             ResultSet row = statement.executeQuery("SELECT status, payment_id FROM orders WHERE id = "
                     + flow.getLong("order_id"))) {
            assertThat("the order row", row.next(), is(true));
            assertThat(row.getString("status"), is("CONFIRMED"));
            assertThat(row.getLong("payment_id"), is(flow.getLong("payment_id")));
        }
        // the same migration scripts as on H2, all applied: the service's own and the platform's (own history table);
        // the service's history also has Flyway's baseline row, as the platform's tables were there first
        for (String service : ServiceProcesses.SERVICES) {
            assertThat(service, applied(service, "flyway_schema_history"),
                    is(scripts(service + "/src/main/resources/db/migration")));
            assertThat(service, applied(service, "flowlens_platform_history"),
                    is(scripts("observability/platform/src/main/resources/db/platform")));
        }

        List<TraceSpan> trace = system.jaeger().awaitTrace(flow.getString("trace_id"),
                spans -> servicesOf(spans).size() == 4, Duration.ofSeconds(30));
        List<String> systems = trace.stream().filter(span -> span.attributes().containsKey("db.system"))
                .map(span -> span.attributes().get("db.system")).toList();
        assertThat(systems, is(not(empty())));
        assertThat(systems, everyItem(is("postgresql")));
    }

    private static long applied(String service, String history) throws Exception {
        try (Connection connection = databases.connect(service); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT count(*) FROM " + history + " WHERE success AND type = 'SQL'")) {
            row.next();
            return row.getLong(1);
        }
    }

    private static long scripts(String folder) throws Exception {
        try (Stream<Path> files = Files.list(system.root().resolve(folder))) {
            return files.filter(file -> file.getFileName().toString().matches("V[0-9]+__.*\\.sql")).count();
        }
    }
}
