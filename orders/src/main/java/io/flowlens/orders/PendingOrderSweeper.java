package io.flowlens.orders;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The saga's safety net: an orchestrator that dies between "create order" and "confirm/cancel" would leave the order
 * PENDING forever. Every {@code orders.sweep-interval} the sweeper cancels orders PENDING for longer than
 * {@code orders.pending-timeout}, as a compensation of its own (span {@code orders.expire}).
 */
@ApplicationScoped
public class PendingOrderSweeper {

    private static final Logger LOGGER = Logger.getLogger(PendingOrderSweeper.class.getName());

    private final OrderService orders;
    private final Duration timeout;
    private final Duration interval;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("pending-order-sweeper").daemon().factory());

    @Inject
    public PendingOrderSweeper(OrderService orders,
                               @ConfigProperty(name = "orders.pending-timeout", defaultValue = "PT10M") Duration timeout,
                               @ConfigProperty(name = "orders.sweep-interval", defaultValue = "PT1M") Duration interval) {
        this.orders = orders;
        this.timeout = timeout;
        this.interval = interval;
    }

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        scheduler.scheduleWithFixedDelay(this::sweep, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sweep() {
        try {
            int expired = orders.expirePendingOlderThan(timeout);
            if (expired > 0) {
                LOGGER.info(() -> "cancelled " + expired + " order(s) PENDING for more than " + timeout);
            }
        } catch (RuntimeException e) {
            // a database outage must not kill the schedule: the next round tries again
            LOGGER.log(Level.WARNING, "pending-order sweep failed; retrying in " + interval, e);
        }
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }
}
