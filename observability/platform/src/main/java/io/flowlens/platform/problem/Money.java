package io.flowlens.platform.problem;

import java.math.BigDecimal;

/**
 * The contracts' money rule that bean validation cannot express ({@code multipleOf: 0.01}): at most two decimals.
 * Checked before anything is written, so a bad amount is a 400 that changes nothing.
 */
public final class Money {

    private Money() {
    }

    /** The amount, unchanged, when it has at most two decimals; otherwise a 400 problem naming the field. */
    public static BigDecimal requireCents(BigDecimal amount, String field) {
        if (amount.stripTrailingZeros().scale() > 2) {
            throw ProblemException.badRequest(field + " must have at most two decimals, was " + amount.toPlainString());
        }
        return amount;
    }
}
