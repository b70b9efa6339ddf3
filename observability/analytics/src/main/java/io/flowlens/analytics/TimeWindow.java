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
            long amount = Long.parseLong(shortForm.group(1));
            duration = switch (shortForm.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
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
        return duration;
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
