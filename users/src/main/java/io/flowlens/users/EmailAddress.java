package io.flowlens.users;

import java.util.Locale;

/** The rule that makes e-mail addresses unique regardless of case and surrounding blanks. */
public final class EmailAddress {

    private EmailAddress() {
    }

    public static String normalize(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }

    /** The part after {@code @}: low-cardinality enough for a span attribute, unlike the address itself. */
    public static String domain(String normalizedEmail) {
        return normalizedEmail.substring(normalizedEmail.lastIndexOf('@') + 1);
    }
}
