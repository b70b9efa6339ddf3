package io.flowlens.orders;

import java.util.Map;
import java.util.Set;

import io.flowlens.contracts.orders.model.OrderStatus;

/**
 * Which status an order may move to from which: PENDING → CONFIRMED → PAID, and PENDING or CONFIRMED → CANCELLED
 * (the saga's compensation). PAID and CANCELLED are final; cancelling a CANCELLED order again is harmless.
 */
public final class OrderLifecycle {

    private static final Map<OrderStatus, Set<OrderStatus>> ALLOWED = Map.of(
            OrderStatus.PENDING, Set.of(OrderStatus.CONFIRMED, OrderStatus.CANCELLED),
            OrderStatus.CONFIRMED, Set.of(OrderStatus.PAID, OrderStatus.CANCELLED),
            OrderStatus.PAID, Set.of(),
            OrderStatus.CANCELLED, Set.of());

    private OrderLifecycle() {
    }

    public static boolean allows(OrderStatus from, OrderStatus to) {
        return ALLOWED.get(from).contains(to);
    }

    /**
     * True when asking for {@code to} while the order is {@code from} changes nothing and is no error: only a repeated
     * cancellation, since a compensation may be retried (by the orchestrator, or after the pending-order sweeper).
     */
    public static boolean isHarmlessRepeat(OrderStatus from, OrderStatus to) {
        return from == OrderStatus.CANCELLED && to == OrderStatus.CANCELLED;
    }
}
