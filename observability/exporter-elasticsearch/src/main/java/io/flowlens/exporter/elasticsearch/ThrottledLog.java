package io.flowlens.exporter.elasticsearch;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A warning logged at most once per interval. A telemetry backend that is down fails every batch; one line a minute
 * with the running totals says as much as thousands would, and keeps the service's own log readable.
 */
final class ThrottledLog {

    private final Logger logger;
    private final long intervalNanos;
    private final AtomicLong last;

    ThrottledLog(Logger logger, Duration interval) {
        this.logger = logger;
        this.intervalNanos = interval.toNanos();
        this.last = new AtomicLong(System.nanoTime() - intervalNanos);
    }

    void warn(String message) {
        long now = System.nanoTime();
        long previous = last.get();
        if (now - previous >= intervalNanos && last.compareAndSet(previous, now)) {
            logger.logp(Level.WARNING, logger.getName(), null, message); // the caller's logger, not ours
        }
    }
}
