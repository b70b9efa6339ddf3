package io.flowlens.analytics;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import io.flowlens.exporter.elasticsearch.SpanFields;

/**
 * The span start times a report looks at: {@code [start, end)}. Half-open so that adjacent windows (the traffic
 * baseline) never count a span twice.
 */
public record TimeWindow(Instant start, Instant end) {

    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    /**
     * Ten years: longer than any span retention, and short enough that a window and the baseline windows before it
     * stay within the dates Elasticsearch takes (a window of 99999999999999d was a DateTimeException, a 500).
     */
    public static final Duration LONGEST = Duration.ofDays(3650);
    /** The span store's dates: Elasticsearch's date format takes four-digit years, and no span is older than 1970. */
    private static final Instant EARLIEST_END = Instant.EPOCH;
    private static final Instant LATEST_END = Instant.parse("9999-12-31T23:59:59Z");

    public TimeWindow {
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("window start " + start + " is not before its end " + end);
        }
    }

    public static TimeWindow ending(Instant end, Duration length) {
        return new TimeWindow(end.minus(length), end);
    }

    public Duration length() {
        return Duration.between(start, end);
    }

    /** The window of the same length that ends where this one starts. */
    public TimeWindow previous() {
        return new TimeWindow(start.minus(length()), start);
    }

    public boolean contains(Instant instant) {
        return !instant.isBefore(start) && instant.isBefore(end);
    }

    /** {@code @timestamp} in the window, for a filter clause. */
    public Query query() {
        return Query.of(q -> q.range(r -> r.date(d -> d.field(SpanFields.TIMESTAMP)
                .gte(start.toString()).lt(end.toString()).format("strict_date_optional_time"))));
    }

    /**
     * {@code 15m}, {@code 90s}, {@code 2h}, {@code 1d}, {@code 500ms} or ISO-8601 ({@code PT15M}); positive.
     *
     * @throws UsageException when the text is none of these; the message quotes the text, the caller says where
     *                        it came from
     */
    public static Duration parseDuration(String text) {
        Matcher shortForm = SHORT.matcher(text.trim().toLowerCase(Locale.ROOT));
        Duration duration;
        if (shortForm.matches()) {
            try {
                long amount = Long.parseLong(shortForm.group(1));
                duration = switch (shortForm.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            } catch (NumberFormatException | ArithmeticException beyondAnyDuration) {
                throw tooLong(text);
            }
        } else {
            try {
                duration = Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new UsageException("'" + text + "' is not a duration like 15m, 90s, 2h or 1d");
            }
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new UsageException("'" + text + "' is not a positive duration");
        }
        if (duration.compareTo(LONGEST) > 0) {
            throw tooLong(text);
        }
        return duration;
    }

    private static UsageException tooLong(String text) {
        return new UsageException("'" + text + "' is longer than " + format(LONGEST) + ", the longest window");
    }

    /**
     * A window's end as given ({@code --until}, the console's {@code until}): from 1970 to the year 9999.
     *
     * @throws UsageException outside those dates; the message names the instant, the caller says where it came from
     */
    public static Instant requireEnd(Instant end) {
        if (end.isBefore(EARLIEST_END) || end.isAfter(LATEST_END)) {
            throw new UsageException("'" + end + "' is not an instant from 1970 to the year 9999");
        }
        return end;
    }

    /** The way the reports print a duration back: the short form when it is exact. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 86_400_000 == 0) {
            return millis / 86_400_000 + "d";
        }
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }

    @Override
    public String toString() {
        return format(length()) + " [" + start + ", " + end + ")";
    }
}
