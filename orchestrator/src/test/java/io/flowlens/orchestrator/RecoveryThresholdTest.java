package io.flowlens.orchestrator;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The recovery threshold against the longest flow the Fault Tolerance settings allow. */
class RecoveryThresholdTest {

    @Test
    void theDefaultsGiveSixCallsOfFourTriesAndThreePauses() {
        // 4 x 3000 ms + 3 x (500 + 200) ms = 14.1 s a call, below maxDuration + timeout (33 s)
        assertThat(FlowRecovery.longestFlow(3000, 3, 500, 200, 30_000), is(Duration.ofMillis(6 * 14_100)));
    }

    @Test
    void maxDurationCapsTheRetriesButNotTheTryUnderWay() {
        assertThat(FlowRecovery.longestFlow(10_000, 10, 500, 200, 30_000), is(Duration.ofMinutes(4))); // 6 calls x 40 s
    }

    @Test
    void theShippedTwoMinutesCoverTheShippedTimeouts() {
        assertDoesNotThrow(() -> FlowRecovery.requireLongerThanAnyFlow(Duration.ofMinutes(2),
                FlowRecovery.longestFlow(3000, 3, 500, 200, 30_000)));
    }

    @Test
    void aThresholdShorterThanAFlowStopsTheStartWithTheReason() {
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> FlowRecovery
                .requireLongerThanAnyFlow(Duration.ofSeconds(10), FlowRecovery.longestFlow(1000, 3, 500, 200, 30_000)));
        assertThat(refused.getMessage(), containsString("flowlens.flow.recovery-after=PT10S"));
        assertThat(refused.getMessage(), containsString("PT36.6S"));
    }
}
