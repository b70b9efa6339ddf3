package io.flowlens.orchestrator;

import java.time.Duration;
import java.util.function.Supplier;

import io.flowlens.platform.client.RetryableDownstreamException;
import io.helidon.faulttolerance.Retry;
import io.helidon.faulttolerance.RetryTimeoutException;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * The timeout and retries of every downstream call: each attempt is cut off (its thread interrupted) after the
 * timeout; a {@link RetryableDownstreamException} or a timeout is tried again up to {@code maxRetries} times, after
 * {@code delay} ± {@code jitter}, while {@code maxDuration} has not passed; anything else is thrown at once. A timeout
 * left at the end is MicroProfile Fault Tolerance's {@link TimeoutException}, which FaultToleranceExceptionMapper
 * answers 504. The call runs on the calling thread, so its OpenTelemetry and request context are the caller's.
 * <p>
 * Handlers built once, not {@code @Timeout}/{@code @Retry}: Helidon 4.1.6's Fault Tolerance interceptor reads the
 * annotations and their config keys and builds its handler chain again on every call, 22 % of the orchestrator's CPU
 * samples (perf/results/PROFILES.md). The retries are Helidon's {@link Retry}; the timeout is {@link CallerTimeout},
 * because Helidon 4.1.6's current-thread Timeout leaves a thread sleeping out every call's timeout. The settings keep
 * the keys that those annotations read.
 */
final class DownstreamPolicy {

    /** The settings' key prefix: the one MicroProfile Fault Tolerance read for DownstreamServices' annotations. */
    static final String KEYS = DownstreamServices.class.getName() + "/";

    private final CallerTimeout timeout;
    private final Retry retry;

    DownstreamPolicy(Settings settings) {
        this.timeout = new CallerTimeout(settings.timeout());
        this.retry = Retry.builder()
                .retryPolicy(Retry.JitterRetryPolicy.builder()
                        .calls(settings.maxRetries() < 0 ? Integer.MAX_VALUE : settings.maxRetries() + 1)
                        .delay(settings.delay())
                        .jitter(settings.jitter())
                        .build())
                // MicroProfile's maxDuration 0 is no limit
                .overallTimeout(settings.maxDuration().isPositive() ? settings.maxDuration()
                        : Duration.ofNanos(Long.MAX_VALUE))
                .addApplyOn(RetryableDownstreamException.class)
                .addApplyOn(io.helidon.faulttolerance.TimeoutException.class)
                .build();
    }

    /** The calls' timeout and retries as configured. */
    static DownstreamPolicy from(Config config) {
        return new DownstreamPolicy(Settings.from(config));
    }

    <T> T call(Supplier<T> call) {
        try {
            return retry.invoke(() -> timeout.invoke(call));
        } catch (RetryTimeoutException maxDurationSpent) {
            throw asAnswered(maxDurationSpent.lastRetryException());
        } catch (io.helidon.faulttolerance.TimeoutException timedOut) {
            throw asAnswered(timedOut);
        }
    }

    /** What the annotations' interceptor threw for the same failure, so that callers and mappers see no change. */
    private static RuntimeException asAnswered(Throwable failure) {
        if (failure instanceof io.helidon.faulttolerance.TimeoutException timedOut) {
            return new TimeoutException(timedOut.getMessage(), timedOut.getCause());
        }
        return failure instanceof RuntimeException runtime ? runtime : new IllegalStateException(failure);
    }

    /**
     * The settings, under the keys {@code io.flowlens.orchestrator.DownstreamServices/Timeout/value} and
     * {@code .../Retry/maxRetries}, {@code delay}, {@code jitter}, {@code maxDuration} (milliseconds), with the
     * defaults the annotations had.
     */
    record Settings(Duration timeout, int maxRetries, Duration delay, Duration jitter, Duration maxDuration) {

        static Settings from(Config config) {
            return new Settings(millis(config, "Timeout/value", 3000),
                    config.getOptionalValue(KEYS + "Retry/maxRetries", Integer.class).orElse(3),
                    millis(config, "Retry/delay", 500),
                    millis(config, "Retry/jitter", 200),
                    millis(config, "Retry/maxDuration", 30_000));
        }

        private static Duration millis(Config config, String key, long defaultMillis) {
            return Duration.ofMillis(config.getOptionalValue(KEYS + key, Long.class).orElse(defaultMillis));
        }
    }
}
