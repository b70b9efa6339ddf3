package io.flowlens.orchestrator;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.flowlens.contracts.orders.client.model.Order;
import io.flowlens.contracts.orders.client.model.OrderStatus;
import io.flowlens.platform.tracing.BusinessSpan;
import io.flowlens.platform.problem.ProblemException;
import io.helidon.microprofile.scheduling.FixedRate;
import io.helidon.scheduling.FixedRate.DelayType;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import static io.flowlens.platform.tracing.FlowlensAttributes.ORDER_ID;

/**
 * Finishes the sagas of an orchestrator that died mid-flow. The orders service's sweeper cancels an order left
 * PENDING, but only the orchestrator knows that a payment may have been made for it: a run still STARTED after
 * {@code flowlens.flow.recovery-after} is looked at 5 s after start
 * and then every minute (Helidon scheduling; {@code io.flowlens.orchestrator.FlowRecovery.round.schedule.delay} and
 * {@code .time-unit} override it). Its order decides: CONFIRMED or PAID means the flow got through
 * (the crash came after confirm), so the run is COMPLETED; otherwise the order is cancelled and its payments voided,
 * exactly as the flow itself compensates, and the run is COMPENSATED. A run is written once its order exists
 * ({@link FlowRunStore}); one left STARTED without an order, by an orchestrator from before that, is ABANDONED.
 * Each recovery is a {@code flow.recover} span; a run whose recovery fails stays STARTED for the next round.
 * Orchestrators that share one database each run these rounds: a run is claimed ({@link FlowRunStore#claimRecovery})
 * before it is recovered, so only one of them recovers it; the claim lasts {@code recovery-after}, longer than a
 * recovery's three calls can take, so the claim of an orchestrator that died mid-recovery passes to another.
 * A run younger than the longest flow the configured timeouts and retries allow may still be running, so a shorter
 * {@code recovery-after} stops the start: it would compensate live flows.
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
    /** Downstream calls of the longest flow: user, order, payment, confirm, then cancel and void to compensate. */
    static final int CALLS_PER_FLOW = 6;

    private final FlowRunStore runs;
    private final DownstreamServices services;
    private final Tracer tracer;
    private final Duration after;
    /** This orchestrator's name on its claims (a process has one FlowRecovery). */
    private final String claimant = UUID.randomUUID().toString();

    @Inject
    public FlowRecovery(FlowRunStore runs, DownstreamServices services, Tracer tracer, Config config,
                        @ConfigProperty(name = "flowlens.flow.recovery-after", defaultValue = "PT2M") Duration after) {
        DownstreamPolicy.Settings calls = DownstreamPolicy.Settings.from(config);
        requireLongerThanAnyFlow(after, longestFlow(calls.timeout().toMillis(), calls.maxRetries(),
                calls.delay().toMillis(), calls.jitter().toMillis(), calls.maxDuration().toMillis()));
        this.runs = runs;
        this.services = services;
        this.tracer = tracer;
        this.after = after;
    }

    // the first round soon after start: that is when the runs of a crashed predecessor are waiting
    @FixedRate(initialDelay = 5, value = 60, timeUnit = TimeUnit.SECONDS, delayType = DelayType.SINCE_PREVIOUS_END)
    void round() {
        try {
            int recovered = recoverStale();
            if (recovered > 0) {
                LOGGER.info(() -> "recovered " + recovered + " flow run(s) left STARTED for more than " + after);
            }
        } catch (RuntimeException e) {
            // the database or a service down must not end the schedule: the next round tries again
            LOGGER.log(Level.WARNING, "flow recovery round failed; the next round tries again", e);
        }
    }

    /**
     * The longest a flow can take with the configured timeout and retries ({@link DownstreamPolicy}): each call tries
     * {@code maxRetries + 1} times, each try up to the timeout, with the longest delay between tries;
     * {@code maxDurationMs} stops the retries, though the try under way may still run its timeout out.
     */
    static Duration longestFlow(long timeoutMs, int maxRetries, long delayMs, long jitterMs, long maxDurationMs) {
        long tries = (maxRetries + 1L) * timeoutMs + maxRetries * (delayMs + jitterMs);
        long call = maxDurationMs > 0 ? Math.min(tries, maxDurationMs + timeoutMs) : tries;
        return Duration.ofMillis(CALLS_PER_FLOW * call);
    }

    static void requireLongerThanAnyFlow(Duration after, Duration longestFlow) {
        if (after.compareTo(longestFlow) <= 0) {
            throw new IllegalStateException("flowlens.flow.recovery-after=" + after + " is not longer than the longest"
                    + " flow the orchestrator's timeouts and retries allow (" + longestFlow + ": " + CALLS_PER_FLOW
                    + " calls, each with all its retries); recovery would compensate flows that are still running."
                    + " Raise flowlens.flow.recovery-after or lower " + DownstreamPolicy.KEYS + "Timeout/value or Retry/*.");
        }
    }

    /** One round: answers how many stale runs got an outcome. */
    int recoverStale() {
        return recoverStale(Instant.now());
    }

    /** A round as if it were {@code now}; tests move the clock instead of waiting. */
    int recoverStale(Instant now) {
        List<FlowRunStore.StaleRun> stale = runs.stale(now.minus(after), BATCH);
        int recovered = 0;
        for (FlowRunStore.StaleRun run : stale) {
            if (!runs.claimRecovery(run.id(), claimant, now, now.plus(after))) {
                continue; // another orchestrator recovers it, or did already
            }
            try {
                if (runs.finishStale(run.id(), recover(run))) {
                    recovered++;
                }
            } catch (RuntimeException e) {
                LOGGER.log(Level.WARNING, "cannot recover flow run " + run.id() + " yet", e);
                runs.releaseRecovery(run.id(), claimant);
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
}
