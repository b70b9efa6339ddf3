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
            throw ProblemException.invalid(field, "must have at most two decimals, was " + amount.toPlainString());
        }
        return amount.setScale(2);
    }
}
