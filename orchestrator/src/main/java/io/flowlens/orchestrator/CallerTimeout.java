package io.flowlens.orchestrator;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.helidon.faulttolerance.TimeoutException;

/**
 * A timeout that runs the call on the calling thread (so its OpenTelemetry and request context are the caller's) and
 * interrupts that thread when the call takes too long, as Helidon's current-thread {@code Timeout} does, but whose
 * watch ends with the call.
 * <p>
 * Helidon 4.1.6's current-thread Timeout starts a virtual thread per call that sleeps out the whole timeout whether or
 * not the call has returned (helidon-io/helidon#10824, fixed in Helidon 4.3.3, which is not served here). Each of those
 * keeps the finished caller's {@code Thread}, its thread locals and its span objects reachable for 3 s, so under load
 * the orchestrator held thousands of them at once, long enough for the young collections to promote them into the
 * old generation, where they died. Here one scheduler thread holds a cancellable task per call, removed from its queue
 * as soon as the call returns.
 * <p>
 * The watch marks the attempt as timed out before it interrupts, and the caller takes the same lock to finish, so a
 * callee that answers the interrupt at once with an exception of its own is still a timeout, and an interrupt never
 * outlives the call.
 */
final class CallerTimeout {

    /** One daemon thread for every watch of the process: a watch only interrupts, which takes microseconds. */
    private static final ScheduledThreadPoolExecutor WATCHES = watches();

    private final long timeoutNanos;

    CallerTimeout(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    /**
     * The call's answer; Helidon's {@link TimeoutException} (what its Retry retries) when the timeout passed first,
     * with whatever the call then threw as the cause.
     */
    <T> T invoke(Supplier<T> call) {
        Watch watch = new Watch(Thread.currentThread());
        long started = System.nanoTime();
        ScheduledFuture<?> scheduled = WATCHES.schedule(watch::expire, timeoutNanos, TimeUnit.NANOSECONDS);
        T answer;
        try {
            answer = call.get();
        } catch (RuntimeException | Error failed) {
            // the watch ends whatever the call threw, or it would interrupt this thread later, in other work; a call
            // that fails once its whole timeout has passed timed out, whatever exception it threw (as MicroProfile
            // Fault Tolerance says), even if the watch has not run yet
            boolean expired = end(watch, scheduled);
            if (failed instanceof RuntimeException && (expired || System.nanoTime() - started >= timeoutNanos)) {
                throw new TimeoutException("Supplier execution interrupted", failed);
            }
            throw failed;
        }
        if (end(watch, scheduled)) {
            throw new TimeoutException("Method interrupted by timeout", null);
        }
        return answer;
    }

    /** Ends the watch; true if it had expired. */
    private static boolean end(Watch watch, ScheduledFuture<?> scheduled) {
        scheduled.cancel(false);
        return watch.finish();
    }

    private static ScheduledThreadPoolExecutor watches() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("downstream-timeouts").daemon().factory());
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /** One call's watch: whichever of expiry and finish comes first decides whether it timed out. */
    private static final class Watch {

        private final Thread caller;
        private boolean finished;
        private boolean expired;

        Watch(Thread caller) {
            this.caller = caller;
        }

        synchronized void expire() {
            if (!finished) {
                expired = true;
                caller.interrupt();
            }
        }

        /** Called on the caller's thread; clears the interrupt the watch gave it, if any. */
        synchronized boolean finish() {
            finished = true;
            if (expired) {
                Thread.interrupted();
            }
            return expired;
        }
    }
}
