package io.flowlens.analytics;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TimeWindowTest {

    @Test
    void shortAndIsoDurations() {
        assertThat(TimeWindow.parseDuration("15m"), is(Duration.ofMinutes(15)));
        assertThat(TimeWindow.parseDuration("90s"), is(Duration.ofSeconds(90)));
        assertThat(TimeWindow.parseDuration("2h"), is(Duration.ofHours(2)));
        assertThat(TimeWindow.parseDuration("1d"), is(Duration.ofDays(1)));
        assertThat(TimeWindow.parseDuration("500ms"), is(Duration.ofMillis(500)));
        assertThat(TimeWindow.parseDuration("PT15M"), is(Duration.ofMinutes(15)));
        assertThrows(UsageException.class, () -> TimeWindow.parseDuration("0m"));
        assertThrows(UsageException.class, () -> TimeWindow.parseDuration("soon"));
        assertThat(TimeWindow.format(Duration.ofSeconds(90)), is("90s"));
        assertThat(TimeWindow.format(Duration.ofHours(2)), is("2h"));
    }

    @Test
    void aWindowIsAtMostTenYearsAndEndsBetween1970AndTheYear9999() {
        // a window beyond any Instant was a DateTimeException, digits beyond a long a NumberFormatException: 500s
        assertThat(TimeWindow.parseDuration("3650d"), is(Duration.ofDays(3650)));
        for (String tooLong : new String[] {"3651d", "99999999999999d", "9999999999999999999999h", "P4000D"}) {
            assertThat(tooLong, assertThrows(UsageException.class, () -> TimeWindow.parseDuration(tooLong)).getMessage(),
                    is("'" + tooLong + "' is longer than 3650d, the longest window"));
        }
        // Elasticsearch's dates have four-digit years: a later end failed every search
        Instant latest = Instant.parse("9999-12-31T23:59:59Z");
        assertThat(TimeWindow.requireEnd(latest), is(latest));
        assertThat(assertThrows(UsageException.class, () -> TimeWindow.requireEnd(latest.plusSeconds(1))).getMessage(),
                is("'+10000-01-01T00:00:00Z' is not an instant from 1970 to the year 9999"));
        assertThrows(UsageException.class, () -> TimeWindow.requireEnd(Instant.EPOCH.minusSeconds(1)));
    }

    @Test
    void windowsAreHalfOpenSoNeighboursShareNoInstant() {
        Instant end = Instant.parse("2025-03-01T10:00:00Z");
        TimeWindow window = TimeWindow.ending(end, Duration.ofMinutes(5));
        TimeWindow previous = window.previous();
        assertThat(previous.end(), is(window.start()));
        assertThat(window.contains(window.start()), is(true));
        assertThat(window.contains(end), is(false));
        assertThat(previous.contains(window.start()), is(false));
    }
}
