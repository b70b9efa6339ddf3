package io.flowlens.systemtests;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HAProxy in front of two {@link ServiceProcesses} sets, started by {@code bin/services.sh balancer start} (the same
 * generated configuration as {@code make up INSTANCES=2}) in the test stack's instance folder: one port per service,
 * round robin over the instances whose {@code /health/ready} answers.
 */
final class HaproxyBalancer implements AutoCloseable {

    private final Path root;
    private final Map<String, Integer> ports;
    private final Map<String, String> environment;

    private HaproxyBalancer(Path root, Map<String, Integer> ports, Map<String, String> environment) {
        this.root = root;
        this.ports = ports;
        this.environment = environment;
    }

    /** Free ports for the balancer, chosen before the instances start, since they call each other through it. */
    static Map<String, Integer> freePorts() {
        return Map.copyOf(ServiceProcesses.freePortPerService());
    }

    /** The services' variables that send their calls through the balancer on {@code ports}. */
    static Map<String, String> downstreamsThrough(Map<String, Integer> ports) {
        return Map.of("USERS_MP_REST_URL", "http://127.0.0.1:" + ports.get("users"),
                "ORDERS_MP_REST_URL", "http://127.0.0.1:" + ports.get("orders"),
                "PAYMENTS_MP_REST_URL", "http://127.0.0.1:" + ports.get("payments"));
    }

    /** Starts HAProxy on {@code ports} over the instances of {@code sets}; answers once every service answers ready. */
    static HaproxyBalancer start(SystemUnderTest system, Map<String, Integer> ports, List<ServiceProcesses> sets) {
        Map<String, String> environment = new HashMap<>(system.environment());
        for (String service : ServiceProcesses.SERVICES) {
            String name = service.toUpperCase(Locale.ROOT);
            environment.put(name + "_PORT", String.valueOf(ports.get(service)));
            environment.put(name + "_INSTANCE_PORTS", String.join(" ",
                    sets.stream().map(set -> String.valueOf(set.port(service))).toList()));
        }
        HaproxyBalancer balancer = new HaproxyBalancer(system.root(), ports, environment);
        balancer.run("start");
        return balancer;
    }

    String url(String service) {
        return "http://127.0.0.1:" + ports.get(service);
    }

    @Override
    public void close() {
        run("stop");
    }

    private void run(String command) {
        SystemUnderTest.script(root, List.of("bin/services.sh", "balancer", command), environment, Duration.ofMinutes(2));
    }
}
