package io.flowlens.console;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.flowlens.analytics.BusinessReport;
import io.flowlens.analytics.ServiceErrors;
import io.flowlens.analytics.TimeWindow;
import io.flowlens.analytics.VolumeReport;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class DashboardViewTest {

    private static final TimeWindow HOUR = TimeWindow.ending(Instant.parse("2026-12-03T07:00:00Z"), Duration.ofHours(1));

    @Test
    void ratesAndErrorPercentagesReadAsTheCliPrintsThem() {
        DashboardView view = DashboardView.of(HOUR, List.of(),
                List.of(new ServiceErrors("payments", 40, 3), new ServiceErrors("idle", 0, 0)),
                new BusinessReport.Metrics(5, 3, 2, 4, 3), Duration.ofMinutes(2),
                List.of(new VolumeReport.Bucket(HOUR.start(), 10, 4, 1)));

        assertThat(view.errors().get(0).percent(), is("7.50"));
        assertThat(view.errors().get(1).percent(), is("n/a"));
        assertThat(view.business().orderCompletionPercent(), is("66.67"));
        assertThat(view.business().paymentSuccessPercent(), is("75.00"));
        assertThat(view.window(), is("1h"));
        assertThat(view.end(), is("2026-12-03T07:00:00Z"));
        assertThat(view.interval(), is("2m"));
        assertThat(view.volume().get(0).requests(), is(4L));
    }

    @Test
    void aboutThirtyBarsWhateverTheRange() {
        assertThat(DashboardView.interval(HOUR), is(Duration.ofMinutes(2)));
        assertThat(DashboardView.interval(TimeWindow.ending(HOUR.end(), Duration.ofSeconds(10))), is(Duration.ofSeconds(1)));
    }
}
