package io.flowlens.payments;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.flowlens.contracts.payments.model.DeclineReason;

/**
 * The rules that decide a payment, in the order the contract documents them: an unsupported currency declines first,
 * then an amount above the per-payment limit; everything else is authorized.
 */
public final class AuthorizationPolicy {

    private final BigDecimal limit;
    private final Set<String> currencies;

    public AuthorizationPolicy(BigDecimal limit, Set<String> currencies) {
        if (limit.signum() <= 0) {
            throw new IllegalArgumentException("payments.limit must be positive, was " + limit);
        }
        // "USD, EUR" in an environment variable must not make " EUR" the supported code
        Set<String> codes = currencies.stream().map(String::strip).filter(code -> !code.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        if (codes.isEmpty()) {
            throw new IllegalArgumentException("payments.currencies must name at least one currency");
        }
        this.limit = limit;
        this.currencies = codes;
    }

    /** The reason to decline, or empty when the payment is authorized. */
    public Optional<DeclineReason> decline(BigDecimal amount, String currency) {
        if (!currencies.contains(currency)) {
            return Optional.of(DeclineReason.CURRENCY_NOT_SUPPORTED);
        }
        if (amount.compareTo(limit) > 0) {
            return Optional.of(DeclineReason.LIMIT_EXCEEDED);
        }
        return Optional.empty();
    }
}
