package io.flowlens.orchestrator;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;

class StepKeyTest {

    @Test
    void derivesOneKeyPerStep() {
        assertThat(IdempotencyKeys.forStep("flow-42", "payment"), is("flow-42:payment"));
        assertThat(IdempotencyKeys.forStep(null, "payment"), is(nullValue()));
    }

    @Test
    void longKeysAreHashedSoTheStepKeyStaysValid() {
        String derived = IdempotencyKeys.forStep("k".repeat(200), "payment");
        assertThat(derived.length(), lessThanOrEqualTo(200));
        assertThat(derived, matchesPattern("[0-9a-f]{64}:payment"));
    }
}
