package io.flowlens.console;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.flowlens.analytics.BusinessReport;
import io.flowlens.analytics.ErrorAnalysis;
import io.flowlens.analytics.IndexedSpan;
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
                List.of(new VolumeReport.Bucket(HOUR.start(), 10, 4, 1)),
                List.of(new ErrorAnalysis.Bucket(HOUR.start(), Map.of("payments", 3L))),
                List.of(new ErrorAnalysis.ErrorSpan(new IndexedSpan(HOUR.start(), "t1", "s1", "", "payments",
                                "POST /payments", "SERVER", true, 2.0, ""), "java.lang.IllegalStateException", "boom",
                                "500", ""),
                        new ErrorAnalysis.ErrorSpan(new IndexedSpan(HOUR.start(), "t2", "s2", "", "orchestrator",
                                "flow.run", "INTERNAL", true, 9.0, ""), "", "", "timeout", "payments did not answer")));

        assertThat(view.errors().get(0).percent(), is("7.50"));
        assertThat(view.errors().get(1).percent(), is("n/a"));
        assertThat(view.business().orderCompletionPercent(), is("66.67"));
        assertThat(view.business().paymentSuccessPercent(), is("75.00"));
        assertThat(view.window(), is("1h"));
        assertThat(view.end(), is("2026-12-03T07:00:00Z"));
        assertThat(view.interval(), is("2m"));
        assertThat(view.volume().get(0).requests(), is(4L));
        assertThat(view.errorTrend().get(0).errors(), is(Map.of("payments", 3L)));
        assertThat("an exception is what went wrong", view.latestErrors().get(0), is(new DashboardView.ErrorDetail(
                "2026-12-03T06:00:00Z", "payments", "POST /payments", "java.lang.IllegalStateException", "boom", "t1",
                "s1")));
        assertThat("else the error type and the status message", view.latestErrors().get(1).exceptionType(),
                is("timeout"));
        assertThat(view.latestErrors().get(1).what(), is("payments did not answer"));
    }

    @Test
    void aboutThirtyBarsWhateverTheRange() {
        assertThat(DashboardView.interval(HOUR), is(Duration.ofMinutes(2)));
        assertThat(DashboardView.interval(TimeWindow.ending(HOUR.end(), Duration.ofSeconds(10))), is(Duration.ofSeconds(1)));
    }
}
