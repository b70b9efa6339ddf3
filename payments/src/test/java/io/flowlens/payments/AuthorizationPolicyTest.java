package io.flowlens.payments;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.Set;

import io.flowlens.contracts.payments.model.DeclineReason;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AuthorizationPolicyTest {

    private final AuthorizationPolicy policy = new AuthorizationPolicy(new BigDecimal("1000.00"), Set.of("USD", "EUR"));

    @Test
    void authorizesUpToTheLimitInclusive() {
        assertThat(policy.decline(new BigDecimal("0.01"), "USD"), is(Optional.empty()));
        assertThat(policy.decline(new BigDecimal("1000.00"), "EUR"), is(Optional.empty()));
    }

    @Test
    void declinesAboveTheLimit() {
        assertThat(policy.decline(new BigDecimal("1000.01"), "USD"), is(Optional.of(DeclineReason.LIMIT_EXCEEDED)));
    }

    @Test
    void unsupportedCurrencyIsCheckedFirst() {
        assertThat(policy.decline(new BigDecimal("5000"), "JPY"), is(Optional.of(DeclineReason.CURRENCY_NOT_SUPPORTED)));
        assertThat(policy.decline(new BigDecimal("5"), "GBP"), is(Optional.of(DeclineReason.CURRENCY_NOT_SUPPORTED)));
    }

    @Test
    void configuredCurrenciesIgnoreBlanksAroundTheCodes() {
        AuthorizationPolicy fromEnvironment = new AuthorizationPolicy(BigDecimal.TEN, Set.of("USD", " CHF "));
        assertThat(fromEnvironment.decline(BigDecimal.ONE, "CHF"), is(Optional.empty()));
        assertThat(fromEnvironment.decline(BigDecimal.ONE, " CHF "),
                is(Optional.of(DeclineReason.CURRENCY_NOT_SUPPORTED)));
    }

    @Test
    void rejectsNonsenseConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> new AuthorizationPolicy(BigDecimal.ZERO, Set.of("USD")));
        assertThrows(IllegalArgumentException.class, () -> new AuthorizationPolicy(BigDecimal.TEN, Set.of()));
        assertThrows(IllegalArgumentException.class, () -> new AuthorizationPolicy(BigDecimal.TEN, Set.of(" ")));
        assertThrows(IllegalArgumentException.class, () -> new AuthorizationPolicy(new BigDecimal("-1"), Set.of("USD")));
    }
}
