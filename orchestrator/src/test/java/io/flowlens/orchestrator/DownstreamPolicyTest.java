package io.flowlens.orchestrator;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.flowlens.platform.client.RetryableDownstreamException;
import io.flowlens.platform.problem.ProblemException;
import io.helidon.config.mp.MpConfigSources;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.sameInstance;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The downstream calls' timeout and retries, as DownstreamServices' former @Timeout/@Retry behaved. */
class DownstreamPolicyTest {

    private static final String KEYS = "io.flowlens.orchestrator.DownstreamServices/";

    private final AtomicInteger attempts = new AtomicInteger();

    @Test
    void aCallThatTimesOutIsInterruptedAndRetriedOnTheCallingThreadThenAnswersTheTimeout() {
        DownstreamPolicy policy = DownstreamPolicy.from(config(Map.of(KEYS + "Timeout/value", "100",
                KEYS + "Retry/maxRetries", "2", KEYS + "Retry/delay", "0", KEYS + "Retry/jitter", "0")));
        List<Thread> threads = new CopyOnWriteArrayList<>();
        AtomicInteger interrupted = new AtomicInteger();

        TimeoutException timedOut = assertThrows(TimeoutException.class, () -> policy.call(() -> {
            attempts.incrementAndGet();
            threads.add(Thread.currentThread());
            try {
                new CountDownLatch(1).await(30, TimeUnit.SECONDS); // a callee that never answers
                return "answered";
            } catch (InterruptedException e) {
                // what the REST client's blocked read does when the timeout interrupts it (see DownstreamCall)
                interrupted.incrementAndGet();
                throw new IllegalStateException("interrupted", e);
            }
        }));

        assertThat("the first try and maxRetries more", attempts.get(), is(3));
        assertThat("every try was cut off by an interrupt", interrupted.get(), is(3));
        // the OpenTelemetry context and the request scope are the caller's thread's: the client spans stay children
        assertThat(threads, everyItem(sameInstance(Thread.currentThread())));
        assertThat("the interrupt does not outlive the call", Thread.currentThread().isInterrupted(), is(false));
        // MicroProfile Fault Tolerance's TimeoutException: FaultToleranceExceptionMapper answers it 504 as before
        assertThat(timedOut.getClass(), is(TimeoutException.class));
    }

    /**
     * A callee that answers the interrupt at once with an exception of its own must not race the timeout's mark:
     * Helidon's Timeout, used before CallerTimeout, interrupted first and marked after, and such a call came out as
     * its own exception (seen in a loaded test run). Many short timed-out calls give the race its chances; every one
     * must end as a timeout.
     */
    @Test
    void everyTimedOutCallIsATimeoutHoweverFastTheCalleeAnswersTheInterrupt() {
        DownstreamPolicy policy = DownstreamPolicy.from(config(Map.of(KEYS + "Timeout/value", "5",
                KEYS + "Retry/maxRetries", "0")));
        for (int call = 0; call < 300; call++) {
            assertThrows(TimeoutException.class, () -> policy.call(() -> {
                try {
                    new CountDownLatch(1).await(30, TimeUnit.SECONDS);
                    return "answered";
                } catch (InterruptedException e) {
                    throw new IllegalStateException("interrupted", e);
                }
            }), "call " + call);
        }
    }

    /**
     * A call that has answered leaves nothing behind for the rest of its timeout. Helidon 4.1.6's current-thread
     * Timeout kept a thread sleeping out every call's timeout, and with it the finished caller (its thread locals, its
     * span objects): at 3 s and a few hundred calls a second, thousands at once (helidon-io/helidon#10824).
     */
    @Test
    void aCallThatAnsweredKeepsNothingOfItsCallerForTheRestOfItsTimeout() throws InterruptedException {
        DownstreamPolicy policy = DownstreamPolicy.from(config(Map.of(KEYS + "Timeout/value", "600000")));
        assertCollectedLongBeforeItsTimeout(Thread.ofVirtual().start(() -> policy.call(() -> "answered")));
    }

    /** Nor does one that failed with an Error, which passes through as it is: its watch must not interrupt later. */
    @Test
    void aCallThatFailedWithAnErrorKeepsNothingOfItsCallerEither() throws InterruptedException {
        DownstreamPolicy policy = DownstreamPolicy.from(config(Map.of(KEYS + "Timeout/value", "600000")));
        List<Throwable> thrown = new CopyOnWriteArrayList<>();
        assertCollectedLongBeforeItsTimeout(Thread.ofVirtual().start(() -> {
            try {
                policy.call(() -> {
                    throw new AssertionError("a bug in the callee");
                });
            } catch (AssertionError expected) {
                thrown.add(expected);
            }
        }));
        assertThat(thrown.size(), is(1));
    }

    private static void assertCollectedLongBeforeItsTimeout(Thread caller) throws InterruptedException {
        caller.join();
        WeakReference<Thread> finished = new WeakReference<>(caller);
        caller = null;
        Awaitility.await("the finished caller collected, 10 minutes before its timeout").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100)).until(() -> {
                    System.gc();
                    return finished.get() == null;
                });
    }

    /** A callee that does not answer the interrupt and returns late has still timed out, and keeps no interrupt. */
    @Test
    void aCallThatAnswersAfterItsTimeoutIsATimeout() {
        DownstreamPolicy policy = DownstreamPolicy.from(config(Map.of(KEYS + "Timeout/value", "50",
                KEYS + "Retry/maxRetries", "0")));
        assertThrows(TimeoutException.class, () -> policy.call(() -> {
            long until = System.nanoTime() + Duration.ofMillis(200).toNanos();
            while (System.nanoTime() < until) {
                Thread.onSpinWait(); // busy, deaf to the interrupt
            }
            return "late";
        }));
        assertThat("the interrupt does not outlive the call", Thread.currentThread().isInterrupted(), is(false));
    }

    @Test
    void aRetryableFailureIsTriedAgainAndALaterAnswerReturned() {
        DownstreamPolicy policy = DownstreamPolicy.from(config(Map.of(KEYS + "Retry/delay", "10",
                KEYS + "Retry/jitter", "5")));
        String answer = policy.call(() -> {
            if (attempts.incrementAndGet() < 3) {
                throw unavailable();
            }
            return "third time";
        });
        assertThat(answer, is("third time"));
        assertThat(attempts.get(), is(3));
    }

    @Test
    void anyOtherFailurePassesThroughAtOnce() {
        DownstreamPolicy policy = DownstreamPolicy.from(config(Map.of()));
        ProblemException notFound = new ProblemException(404, "not-found", "Not found", "user 9 does not exist", null);
        ProblemException thrown = assertThrows(ProblemException.class, () -> policy.call(() -> {
            attempts.incrementAndGet();
            throw notFound;
        }));
        assertThat(thrown, sameInstance(notFound));
        assertThat(attempts.get(), is(1));

        IllegalArgumentException bug = assertThrows(IllegalArgumentException.class, () -> policy.call(() -> {
            attempts.incrementAndGet();
            throw new IllegalArgumentException("a bug, not an outage");
        }));
        assertThat(bug.getMessage(), is("a bug, not an outage"));
        assertThat(attempts.get(), is(2));
    }

    @Test
    void maxRetriesBoundsTheTriesAndTheLastFailureIsAnswered() {
        DownstreamPolicy policy = DownstreamPolicy.from(config(Map.of(KEYS + "Retry/maxRetries", "1",
                KEYS + "Retry/delay", "0", KEYS + "Retry/jitter", "0")));
        List<RetryableDownstreamException> failures = new CopyOnWriteArrayList<>();
        RetryableDownstreamException thrown = assertThrows(RetryableDownstreamException.class, () -> policy.call(() -> {
            attempts.incrementAndGet();
            failures.add(unavailable());
            throw failures.getLast();
        }));
        assertThat(attempts.get(), is(2));
        assertThat(thrown, sameInstance(failures.getLast()));
    }

    @Test
    void maxDurationStopsTheRetriesWithTheLastFailure() {
        DownstreamPolicy policy = DownstreamPolicy.from(config(Map.of(KEYS + "Retry/maxRetries", "100",
                KEYS + "Retry/delay", "100", KEYS + "Retry/jitter", "0", KEYS + "Retry/maxDuration", "300")));
        List<RetryableDownstreamException> failures = new CopyOnWriteArrayList<>();
        RetryableDownstreamException thrown = assertThrows(RetryableDownstreamException.class, () -> policy.call(() -> {
            attempts.incrementAndGet();
            failures.add(unavailable());
            throw failures.getLast();
        }));
        assertThat("tries 100 ms apart within 300 ms", attempts.get(), lessThan(5));
        assertThat(thrown, sameInstance(failures.getLast()));
    }

    @Test
    void theSettingsAreReadFromTheKeysTheAnnotationsUsedWithTheirDefaults() {
        DownstreamPolicy.Settings configured = DownstreamPolicy.Settings.from(config(Map.of(KEYS + "Timeout/value", "250",
                KEYS + "Retry/maxRetries", "1", KEYS + "Retry/delay", "10", KEYS + "Retry/jitter", "5",
                KEYS + "Retry/maxDuration", "0")));
        assertThat(configured, is(new DownstreamPolicy.Settings(Duration.ofMillis(250), 1, Duration.ofMillis(10),
                Duration.ofMillis(5), Duration.ZERO)));
        assertThat(DownstreamPolicy.Settings.from(config(Map.of())), is(new DownstreamPolicy.Settings(
                Duration.ofMillis(3000), 3, Duration.ofMillis(500), Duration.ofMillis(200), Duration.ofMillis(30_000))));
    }

    @Test
    void maxDurationZeroIsNoLimit() {
        DownstreamPolicy policy = DownstreamPolicy.from(config(Map.of(KEYS + "Retry/maxRetries", "2",
                KEYS + "Retry/delay", "20", KEYS + "Retry/jitter", "0", KEYS + "Retry/maxDuration", "0")));
        assertThrows(RetryableDownstreamException.class, () -> policy.call(() -> {
            attempts.incrementAndGet();
            throw unavailable();
        }));
        assertThat("maxRetries, not maxDuration, ended the tries", attempts.get(), is(3));
    }

    private static RetryableDownstreamException unavailable() {
        return new RetryableDownstreamException(503, "downstream-unavailable", "Downstream service unavailable",
                "payments answered 503", null);
    }

    private static Config config(Map<String, String> values) {
        return ConfigProviderResolver.instance().getBuilder().withSources(MpConfigSources.create(values)).build();
    }
}
