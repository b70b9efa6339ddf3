package io.flowlens.analytics;

import java.util.Locale;

/**
 * How figures read in text, shared by the CLI's tables and the alert rules' explanations so both print a number the
 * same way (always with a dot, whatever the machine's locale).
 */
public final class Figures {

    private Figures() {
    }

    /** Milliseconds with one decimal, the precision span durations are worth reading at. */
    public static String millis(double millis) {
        return String.format(Locale.ROOT, "%.1f", millis);
    }

    /** {@code part / whole} as a percentage with two decimals, {@code n/a} when nothing was counted. */
    public static String percent(long part, long whole) {
        return whole == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", 100.0 * part / whole);
    }

    /** A threshold as the user wrote it: whole numbers without decimals, others with two. */
    public static String number(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.2f", value);
    }
}
