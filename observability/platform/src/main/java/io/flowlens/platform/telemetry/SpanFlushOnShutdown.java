package io.flowlens.platform.telemetry;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SpanProcessor;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Shuts down the span processors OpenTelemetry's autoconfiguration built in this process when the service stops,
 * which exports what their queues still hold. Helidon MP Telemetry 4.1.6 builds the SDK with its JVM shutdown hook
 * disabled and never shuts it down itself, so the spans of the last {@code otel.bsp.schedule.delay} before a SIGTERM
 * were lost, and not even counted as dropped. Runs after Helidon stopped the web server (its observer has priority
 * 0), so the last requests have ended their spans; an export that fails here is counted by {@link CountingSpanExporter}.
 */
@ApplicationScoped
public class SpanFlushOnShutdown {

    private static final Logger LOGGER = Logger.getLogger(SpanFlushOnShutdown.class.getName());
    /** Filled while the SDK is built, before CDI can hand out any bean: the autoconfigure SPI knows no CDI. */
    private static final List<SpanProcessor> PROCESSORS = new CopyOnWriteArrayList<>();

    private final Duration timeout;

    @Inject
    public SpanFlushOnShutdown(
            @ConfigProperty(name = "flowlens.telemetry.shutdown-timeout", defaultValue = "PT10S") Duration timeout) {
        this.timeout = timeout;
    }

    /** Called by {@link SpanDeliveryCustomizer} for each processor the SDK builds; answers it unchanged. */
    static SpanProcessor remember(SpanProcessor processor) {
        PROCESSORS.add(processor);
        return processor;
    }

    void exportWhatIsLeft(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) @BeforeDestroyed(ApplicationScoped.class)
                          Object containerStopping) {
        for (SpanProcessor processor : PROCESSORS) {
            CompletableResultCode done = processor.shutdown().join(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done.isSuccess()) {
                LOGGER.warning(() -> "spans still queued in " + processor + " were not all exported within " + timeout
                        + " of the shutdown (flowlens.telemetry.shutdown-timeout)");
            }
        }
        PROCESSORS.clear();
    }
}
