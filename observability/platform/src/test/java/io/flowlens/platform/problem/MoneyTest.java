package io.flowlens.platform.problem;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MoneyTest {

    @Test
    void acceptsUpToTwoDecimalsAndAnswersExactlyTwo() {
        // BigDecimal's equals compares the scale too: 5.00 is not 5.000
        assertThat(Money.requireCents(new BigDecimal("49.99"), "amount"), is(new BigDecimal("49.99")));
        assertThat(Money.requireCents(new BigDecimal("10.5"), "amount"), is(new BigDecimal("10.50")));
        assertThat(Money.requireCents(new BigDecimal("5.000"), "amount"), is(new BigDecimal("5.00")));
        assertThat(Money.requireCents(new BigDecimal("1E+3"), "amount"), is(new BigDecimal("1000.00")));
    }

    @Test
    void rejectsAThirdDecimalAsABadRequestNamingTheField() {
        ProblemException problem = assertThrows(ProblemException.class,
                () -> Money.requireCents(new BigDecimal("1.234"), "amount"));
        assertThat(problem.status(), is(400));
        assertThat(problem.getMessage(), is("amount must have at most two decimals, was 1.234"));
        // a validation problem lists the field it is about, as the contract's Problem.violations promises
        assertThat(problem.violations().size(), is(1));
        assertThat(problem.violations().get(0).getField(), is("amount"));
        assertThat(problem.violations().get(0).getMessage(), is("must have at most two decimals, was 1.234"));
    }

    @Test
    void aTinyAmountIsNamedInItsExponentNotationNotSpelledOut() {
        // 1e-999999999 spelled out is a gigabyte of zeros: an OutOfMemoryError in a service's heap
        ProblemException problem = assertThrows(ProblemException.class,
                () -> Money.requireCents(new BigDecimal("1e-999999999"), "amount"));
        assertThat(problem.getMessage(), is("amount must have at most two decimals, was 1E-999999999"));
        assertThat(assertThrows(ProblemException.class, () -> Money.requireCents(new BigDecimal("0.001"), "amount"))
                .getMessage(), is("amount must have at most two decimals, was 0.001"));
    }
}
