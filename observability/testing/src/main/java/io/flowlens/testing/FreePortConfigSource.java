package io.flowlens.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Offers {@value #KEY}: a port that was free when the configuration was built, for a {@code @HelidonTest} whose REST
 * clients call its own server and so need the port before the server starts ({@code server.port=0} is only known
 * after). Use it through expressions:
 * {@code @AddConfig(key = "server.port", value = "${flowlens.test.port}")} and
 * {@code @AddConfig(key = "users/mp-rest/url", value = "http://localhost:${flowlens.test.port}/fake")}.
 * Discovered through {@code META-INF/services}; every configuration the test extension builds (one per test class)
 * gets a new instance and a new port, so two builds on one machine, or two test classes, never share one.
 */
public final class FreePortConfigSource implements ConfigSource {

    /** The configuration key that holds the port. */
    public static final String KEY = "flowlens.test.port";

    private final String port = String.valueOf(freePort());

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(KEY);
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of(KEY, port);
    }

    @Override
    public String getValue(String propertyName) {
        return KEY.equals(propertyName) ? port : null;
    }

    @Override
    public String getName() {
        return "flowlens free test port";
    }

    /** A port nothing listens on now, chosen by the operating system among the free ones. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
