package io.flowlens.orders;

import io.flowlens.contracts.orders.model.OrderStatus;
import org.junit.jupiter.api.Test;

import static io.flowlens.contracts.orders.model.OrderStatus.CANCELLED;
import static io.flowlens.contracts.orders.model.OrderStatus.CONFIRMED;
import static io.flowlens.contracts.orders.model.OrderStatus.PAID;
import static io.flowlens.contracts.orders.model.OrderStatus.PENDING;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class OrderLifecycleTest {

    @Test
    void pendingMayBeConfirmedOrCancelled() {
        assertThat(OrderLifecycle.allows(PENDING, CONFIRMED), is(true));
        assertThat(OrderLifecycle.allows(PENDING, CANCELLED), is(true));
        assertThat(OrderLifecycle.allows(PENDING, PAID), is(false));
        assertThat(OrderLifecycle.allows(PENDING, PENDING), is(false));
    }

    @Test
    void confirmedMayBePaidOrCancelled() {
        assertThat(OrderLifecycle.allows(CONFIRMED, PAID), is(true));
        assertThat(OrderLifecycle.allows(CONFIRMED, CANCELLED), is(true));
        assertThat(OrderLifecycle.allows(CONFIRMED, PENDING), is(false));
        assertThat(OrderLifecycle.allows(CONFIRMED, CONFIRMED), is(false));
    }

    @Test
    void paidAndCancelledAreFinal() {
        for (OrderStatus to : OrderStatus.values()) {
            assertThat(OrderLifecycle.allows(PAID, to), is(false));
            assertThat(OrderLifecycle.allows(CANCELLED, to), is(false));
        }
    }

    @Test
    void onlyARepeatedCancellationIsAHarmlessRepeat() {
        assertThat(OrderLifecycle.isHarmlessRepeat(CANCELLED, CANCELLED), is(true));
        assertThat(OrderLifecycle.isHarmlessRepeat(PENDING, PENDING), is(false));
        assertThat(OrderLifecycle.isHarmlessRepeat(CONFIRMED, CONFIRMED), is(false));
        assertThat(OrderLifecycle.isHarmlessRepeat(PAID, PAID), is(false));
        assertThat("a real move is not a repeat", OrderLifecycle.isHarmlessRepeat(PENDING, CANCELLED), is(false));
        assertThat("cancelling a paid order is refused, not ignored",
                OrderLifecycle.isHarmlessRepeat(PAID, CANCELLED), is(false));
    }
}
