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
