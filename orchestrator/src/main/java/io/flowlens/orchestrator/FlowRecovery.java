package io.flowlens.orchestrator;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.flowlens.contracts.orders.client.model.Order;
import io.flowlens.contracts.orders.client.model.OrderStatus;
import io.flowlens.platform.tracing.BusinessSpan;
import io.flowlens.platform.problem.ProblemException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import static io.flowlens.platform.tracing.FlowlensAttributes.ORDER_ID;

/**
 * Finishes the sagas of an orchestrator that died mid-flow. The orders service's sweeper cancels an order left
 * PENDING, but only the orchestrator knows that a payment may have been made for it: a run still STARTED after
 * {@code flowlens.flow.recovery-after} (far longer than a flow with all its retries can take) is looked at on start
 * and every {@code flowlens.flow.recovery-interval}. Its order decides: CONFIRMED or PAID means the flow got through
 * (the crash came after confirm), so the run is COMPLETED; otherwise the order is cancelled and its payments voided,
 * exactly as the flow itself compensates, and the run is COMPENSATED. A run that never got an order is ABANDONED.
 * Each recovery is a {@code flow.recover} span; a run whose recovery fails stays STARTED for the next round.
 */
@ApplicationScoped
public class FlowRecovery {

    static final String COMPLETED = "COMPLETED";
    static final String COMPENSATED = "COMPENSATED";
    static final String ABANDONED = "ABANDONED";
    private static final AttributeKey<Long> RUN_ID = AttributeKey.longKey("flowlens.flow.run_id");
    private static final Logger LOGGER = Logger.getLogger(FlowRecovery.class.getName());
    private static final int BATCH = 100;
    private static final String REASON = "recovered: the orchestrator stopped before the flow ended";

    private final FlowRunStore runs;
    private final DownstreamServices services;
    private final Tracer tracer;
    private final Duration after;
    private final Duration interval;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("flow-recovery").daemon().factory());

    @Inject
    public FlowRecovery(FlowRunStore runs, DownstreamServices services, Tracer tracer,
                        @ConfigProperty(name = "flowlens.flow.recovery-after", defaultValue = "PT2M") Duration after,
                        @ConfigProperty(name = "flowlens.flow.recovery-interval", defaultValue = "PT1M") Duration interval) {
        this.runs = runs;
        this.services = services;
        this.tracer = tracer;
        this.after = after;
        this.interval = interval;
    }

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        // the first round soon after start: that is when the runs of a crashed predecessor are waiting
        long first = Math.min(interval.toMillis(), Duration.ofSeconds(5).toMillis());
        scheduler.scheduleWithFixedDelay(this::round, first, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void round() {
        try {
            int recovered = recoverStale();
            if (recovered > 0) {
                LOGGER.info(() -> "recovered " + recovered + " flow run(s) left STARTED for more than " + after);
            }
        } catch (RuntimeException e) {
            // the database or a service down must not end the schedule: the next round tries again
            LOGGER.log(Level.WARNING, "flow recovery round failed; retrying in " + interval, e);
        }
    }

    /** One round: answers how many stale runs got an outcome. */
    int recoverStale() {
        List<FlowRunStore.StaleRun> stale = runs.stale(Instant.now().minus(after), BATCH);
        int recovered = 0;
        for (FlowRunStore.StaleRun run : stale) {
            try {
                if (runs.finishStale(run.id(), recover(run))) {
                    recovered++;
                }
            } catch (RuntimeException e) {
                LOGGER.log(Level.WARNING, "cannot recover flow run " + run.id() + " yet", e);
            }
        }
        return recovered;
    }

    private String recover(FlowRunStore.StaleRun run) {
        Attributes attributes = run.orderId() == null ? Attributes.of(RUN_ID, run.id())
                : Attributes.of(RUN_ID, run.id(), ORDER_ID, run.orderId());
        return BusinessSpan.call(tracer, "flow.recover", attributes, span -> {
            String outcome = outcome(run);
            span.setAttribute(FullFlow.OUTCOME, outcome);
            return outcome;
        });
    }

    private String outcome(FlowRunStore.StaleRun run) {
        if (run.orderId() == null) {
            return ABANDONED; // no order, so no payment either: the payment step needs the order's id
        }
        OrderStatus status = orderStatus(run.orderId());
        if (status == OrderStatus.CONFIRMED || status == OrderStatus.PAID) {
            return COMPLETED;
        }
        // keys of the run's own (a run from before the key column gets one from its id), apart from the flow's
        // ":cancel"/":void" so a reason that differs from the flow's is not a reused key
        String key = run.idempotencyKey() == null ? "flow-run-" + run.id() : run.idempotencyKey();
        if (status != null) {
            services.cancelOrder(run.orderId(), REASON, IdempotencyKeys.forStep(key, "recover-cancel"));
        }
        services.voidPayments(run.orderId(), REASON, IdempotencyKeys.forStep(key, "recover-void"));
        return COMPENSATED;
    }

    /** The order's status, or null when orders does not know it (nothing to cancel; its payments are still voided). */
    private OrderStatus orderStatus(long orderId) {
        try {
            Order order = services.getOrder(orderId);
            return order.getStatus();
        } catch (ProblemException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }
}
