package io.flowlens.console;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;

import io.flowlens.analytics.FlowlensSettings;
import io.flowlens.analytics.JaegerTraces;
import io.flowlens.analytics.SpanStore;
import io.flowlens.analytics.TimeWindow;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The two places the console reads from, opened once per process with the analytics core's settings
 * ({@code flowlens.elasticsearch.*}, {@code flowlens.jaeger.url}): the span store and Jaeger's query API.
 */
@ApplicationScoped
public class Backends {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    private final FlowlensSettings settings;
    private final SpanStore store;
    private final JaegerTraces jaeger;
    private final HttpClient http;
    private final Duration defaultWindow;

    @Inject
    public Backends(Config config, @ConfigProperty(name = "flowlens.console.window", defaultValue = "1h") String window) {
        // settings first: a bad one must fail before the store's client starts threads that would keep the JVM alive
        this.defaultWindow = TimeWindow.parseDuration(window);
        this.settings = FlowlensSettings.from(config, Map.of());
        this.store = SpanStore.open(settings);
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
        this.jaeger = new JaegerTraces(settings.jaeger(), http);
    }

    SpanStore store() {
        return store;
    }

    JaegerTraces jaeger() {
        return jaeger;
    }

    /** For health URLs of the alert rules. */
    HttpClient http() {
        return http;
    }

    Duration defaultWindow() {
        return defaultWindow;
    }

    FlowlensSettings settings() {
        return settings;
    }

    @PreDestroy
    void close() throws IOException {
        store.close();
    }
}
