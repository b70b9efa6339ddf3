package io.flowlens.platform.problem;

import java.math.BigDecimal;

/**
 * The contracts' money rule that bean validation cannot express ({@code multipleOf: 0.01}): at most two decimals.
 * Checked before anything is written, so a bad amount is a 400 that changes nothing.
 */
public final class Money {

    private Money() {
    }

    /**
     * The amount with exactly two decimals when it has at most two ({@code 5} and {@code 5.000} become {@code 5.00}),
     * as the {@code DECIMAL(12, 2)} columns keep it, so an answer built from it reads as the stored row does;
     * otherwise a 400 problem naming the field.
     */
    public static BigDecimal requireCents(BigDecimal amount, String field) {
        if (amount.stripTrailingZeros().scale() > 2) {
            // as sent, in exponent notation where it has one: the plain digits of 1e-999999999 are a gigabyte (an
            // OutOfMemoryError, a 500), and of 1e-100000 a 100 KB answer
            throw ProblemException.invalid(field, "must have at most two decimals, was " + amount);
        }
        return amount.setScale(2);
    }
}
