package io.flowlens.platform.problem;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MoneyTest {

    @Test
    void acceptsUpToTwoDecimalsIncludingTrailingZeros() {
        assertThat(Money.requireCents(new BigDecimal("49.99"), "amount"), is(new BigDecimal("49.99")));
        assertThat(Money.requireCents(new BigDecimal("5.000"), "amount"), is(new BigDecimal("5.000")));
        assertThat(Money.requireCents(new BigDecimal("1E+3"), "amount"), is(new BigDecimal("1E+3")));
    }

    @Test
    void rejectsThirdDecimalAsBadRequest() {
        ProblemException problem = assertThrows(ProblemException.class,
                () -> Money.requireCents(new BigDecimal("1.234"), "amount"));
        assertThat(problem.status(), is(400));
        assertThat(problem.getMessage(), is("amount must have at most two decimals, was 1.234"));
    }
}
