package io.flowlens.systemtests;

import java.nio.file.Path;
import java.util.Map;

/** Where each service of a {@link ServiceProcesses} set keeps its data, as the environment that tells it so. */
@FunctionalInterface
interface ServiceDatabases {

    /** The MicroProfile Config variables ({@code FLOWLENS_DB_*}) for {@code service}; {@code dataDir} is the set's own. */
    Map<String, String> environment(String service, Path dataDir);

    /**
     * An H2 file database per service: a service killed and restarted by an outage test keeps what it had committed;
     * WRITE_DELAY=0 makes H2 write each commit through (its default 500 ms delay loses commits to a kill -9).
     */
    static ServiceDatabases h2Files() {
        return (service, dataDir) -> Map.of("FLOWLENS_DB_URL",
                "jdbc:h2:file:" + dataDir.resolve(service) + ";WRITE_DELAY=0");
    }
}
