package io.flowlens.systemtests;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * The built-in alert rules against spans the real services wrote. A healthy set of the four services under steady
 * traffic makes no rule fire; when the traffic stops, service-down and traffic-anomaly fire; the same services
 * started with injected faults (errors and 2.2 s of latency, from config) make error-rate and slow-spans fire.
 * Each set writes to its own index prefix, so the other tests' traffic (declined payments are error spans) does
 * not count. Windows of 3 s (`--window` applies to every rule) keep the test short; the rules are the shipped ones.
 */
class AlertsOnRealTrafficIT {

    @Test
    void healthyTrafficFiresNothingAndInjectedFaultsFireErrorRateAndSlowSpans() {
        SystemUnderTest system = SystemUnderTest.get();

        String quietPrefix = "alerts-quiet-" + UUID.randomUUID().toString().substring(0, 8);
        try (ServiceProcesses quiet = services(system, quietPrefix, Map.of(), "alerts-quiet")) {
            flows(quiet, 5); // warm-up: a cold JVM's first requests may be slow; 6 s later it is out of every window
            ServiceProcesses.sleep(6_000);
            // steady traffic for the baseline (6 windows) and the judged window
            long until = System.nanoTime() + Duration.ofSeconds(22).toNanos();
            while (System.nanoTime() < until) {
                flows(quiet, 1);
            }
            CliRun steady = check(system, quietPrefix);
            assertThat(steady.out() + steady.err(), steady.status(), is(0));
            assertThat(steady.out(), not(containsString("FIRING")));

            ServiceProcesses.sleep(4_500); // no traffic for more than a window
            CliRun silent = check(system, quietPrefix);
            assertThat(silent.out() + silent.err(), silent.status(), is(1));
            assertThat(silent.out(), silent.row("STATE", "FIRING", "service-down").isEmpty(), is(false));
            assertThat(silent.out(), silent.row("STATE", "FIRING", "traffic-anomaly").isEmpty(), is(false));
        }

        String faultyPrefix = "alerts-faulty-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> faults = Map.of(
                "FLOWLENS_FAULT_ERRORS_ENABLED", "true", "FLOWLENS_FAULT_ERRORS_RATE", "0.3",
                "FLOWLENS_FAULT_LATENCY_ENABLED", "true", "FLOWLENS_FAULT_LATENCY_LATENCY_MS", "2200");
        try (ServiceProcesses faulty = services(system, faultyPrefix, faults, "alerts-faulty")) {
            long started = System.nanoTime();
            flows(faulty, 6);
            ServiceProcesses.sleep(2_000); // searchable
            // one window over the whole faulty traffic (a flow takes seconds here)
            long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds() + 2;
            CliRun check = CliRun.of("alerts", "check", "--es", system.elasticsearch(), "--index-prefix", faultyPrefix,
                    "--window", seconds + "s");
            assertThat(check.out() + check.err(), check.status(), is(1));
            assertThat(check.out(), check.row("STATE", "FIRING", "error-rate").isEmpty(), is(false));
            assertThat(check.out(), check.row("STATE", "FIRING", "slow-spans").isEmpty(), is(false));
        }
    }

    private static ServiceProcesses services(SystemUnderTest system, String prefix, Map<String, String> extra,
                                             String label) {
        Map<String, String> env = new HashMap<>(extra);
        // The supported in-process path (the exporter found by the OTel SPI, beside OTLP): it gives each run an index
        // prefix of its own, which the alert windows need; the path through Jaeger and the indexer has one prefix.
        env.put("OTEL_TRACES_EXPORTER", "otlp,elasticsearch");
        env.put("OTEL_EXPORTER_ELASTICSEARCH_ENDPOINT", system.elasticsearch());
        env.put("OTEL_EXPORTER_ELASTICSEARCH_INDEX_PREFIX", prefix);
        return ServiceProcesses.start(system.root(), "http://127.0.0.1:" + SystemUnderTest.OTLP_HTTP_PORT, env, label);
    }

    /** Completed flows only (a declined payment is an error span, which is right but not what this test wants). */
    private static void flows(ServiceProcesses services, int count) {
        for (int i = 0; i < count; i++) {
            RestAssured.given().baseUri(services.url("orchestrator")).queryParam("amount", "10.00")
                    .get("/demo/full-flow/" + (1 + i % 3));
        }
    }

    /** The shipped rules over 3 s windows ending now. */
    private static CliRun check(SystemUnderTest system, String prefix) {
        return CliRun.of("alerts", "check", "--es", system.elasticsearch(), "--index-prefix", prefix, "--window", "3s");
    }
}
