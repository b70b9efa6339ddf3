package io.flowlens.orders;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.flowlens.contracts.orders.model.Order;
import io.flowlens.contracts.orders.model.OrderStatus;
import io.flowlens.platform.problem.ProblemException;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.oneOf;

/**
 * Transitions racing on one order, released together by a barrier: the locked read and update let exactly one of
 * them win, and a repeated or late cancellation never fails while the order is not PAID. Sweeps of the pending-order
 * sweeper race too, as those of two orders instances sharing one database do.
 */
@HelidonTest
class ConcurrentTransitionsTest {

    private static final int CONTENDERS = 8;
    private static final int ROUNDS = 25;

    @Inject
    private OrderService orders;

    @Inject
    private OrderStore store;

    /** The HTTP status each contender would answer: 200, or the problem's status. */
    private List<Integer> race(List<Callable<Order>> contenders) throws Exception {
        CyclicBarrier start = new CyclicBarrier(contenders.size());
        List<Integer> statuses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(contenders.size())) {
            List<Future<Integer>> answers = new ArrayList<>();
            for (Callable<Order> contender : contenders) {
                answers.add(pool.submit(() -> {
                    start.await();
                    try {
                        contender.call();
                        return 200;
                    } catch (ProblemException problem) {
                        return problem.status();
                    }
                }));
            }
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get());
            }
        }
        return statuses;
    }

    private long pendingOrder() {
        return store.insert(1, new BigDecimal("10.00"), "EUR", "race").getId();
    }

    @Test
    void concurrentConfirmationsHaveExactlyOneWinner() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            long id = pendingOrder();
            List<Callable<Order>> contenders = new ArrayList<>();
            for (int i = 0; i < CONTENDERS; i++) {
                long paymentId = 1000L + i;
                contenders.add(() -> orders.confirm(id, paymentId));
            }
            List<Integer> statuses = race(contenders);

            assertThat("winners of round " + round + ": " + statuses, statuses.stream().filter(s -> s == 200).count(), is(1L));
            assertThat(statuses, everyItem(is(oneOf(200, 409))));
            Order stored = orders.get(id);
            assertThat(stored.getStatus(), is(OrderStatus.CONFIRMED));
            assertThat("the stored payment is the winner's", stored.getPaymentId(), is(1000L + statuses.indexOf(200)));
        }
    }

    @Test
    void cancellingWinsOrFollowsAConcurrentConfirmationButNeverFails() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            long id = pendingOrder();
            List<Callable<Order>> contenders = new ArrayList<>();
            for (int i = 0; i < CONTENDERS; i++) {
                contenders.add(i % 2 == 0 ? () -> orders.confirm(id, 7) : () -> orders.cancel(id, "payment declined"));
            }
            List<Integer> statuses = race(contenders);

            for (int i = 1; i < CONTENDERS; i += 2) {
                assertThat("cancel answers of round " + round + ": " + statuses, statuses.get(i), is(200));
            }
            assertThat(statuses, everyItem(is(oneOf(200, 409))));
            Order stored = orders.get(id);
            assertThat(stored.getStatus(), is(OrderStatus.CANCELLED));
            assertThat(stored.getCancelReason(), is("payment declined"));
        }
    }

    @Test
    void racingSweepsCancelEachExpiredOrderExactlyOnce() throws Exception {
        int expired = 20;
        for (int round = 0; round < ROUNDS; round++) {
            Instant cutoff = Instant.now().plus(Duration.ofMinutes(1)); // every order made so far counts as expired
            store.expirePending(cutoff, "left by an earlier test"); // so the race below sees only this round's orders
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < expired; i++) {
                ids.add(pendingOrder());
            }
            CyclicBarrier start = new CyclicBarrier(CONTENDERS);
            List<Integer> counts = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(CONTENDERS)) {
                List<Future<Integer>> sweeps = new ArrayList<>();
                for (int i = 0; i < CONTENDERS; i++) {
                    sweeps.add(pool.submit(() -> {
                        start.await();
                        return store.expirePending(cutoff, "expired: no payment decision in time");
                    }));
                }
                for (Future<Integer> sweep : sweeps) {
                    counts.add(sweep.get());
                }
            }

            // each order cancelled by one sweep: the counts add up to the orders, not more (and the spans say so)
            assertThat("orders each sweep cancelled in round " + round + ": " + counts,
                    counts.stream().mapToInt(Integer::intValue).sum(), is(expired));
            assertThat(ids.stream().map(id -> orders.get(id).getStatus()).toList(), everyItem(is(OrderStatus.CANCELLED)));
        }
    }
}
