package io.flowlens.orders;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.microprofile.scheduling.FixedRate;
import io.helidon.scheduling.FixedRate.DelayType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The saga's safety net: an orchestrator that dies between "create order" and "confirm/cancel" would leave the order
 * PENDING forever. Every minute (Helidon scheduling; {@code io.flowlens.orders.PendingOrderSweeper.sweep.schedule.delay}
 * and {@code .time-unit} override it) the sweeper cancels orders PENDING for longer than {@code orders.pending-timeout},
 * as a compensation of its own (span {@code orders.expire}).
 */
@ApplicationScoped
public class PendingOrderSweeper {

    private static final Logger LOGGER = Logger.getLogger(PendingOrderSweeper.class.getName());

    private final OrderService orders;
    private final Duration timeout;

    @Inject
    public PendingOrderSweeper(OrderService orders,
                               @ConfigProperty(name = "orders.pending-timeout", defaultValue = "PT10M") Duration timeout) {
        this.orders = orders;
        this.timeout = timeout;
    }

    @FixedRate(initialDelay = 60, value = 60, timeUnit = TimeUnit.SECONDS, delayType = DelayType.SINCE_PREVIOUS_END)
    void sweep() {
        try {
            int expired = orders.expirePendingOlderThan(timeout);
            if (expired > 0) {
                LOGGER.info(() -> "cancelled " + expired + " order(s) PENDING for more than " + timeout);
            }
        } catch (RuntimeException e) {
            // a database outage must not kill the schedule: the next round tries again
            LOGGER.log(Level.WARNING, "pending-order sweep failed; the next round tries again", e);
        }
    }
}
