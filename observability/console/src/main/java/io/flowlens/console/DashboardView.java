package io.flowlens.console;

import java.time.Duration;
import java.util.List;

import io.flowlens.analytics.BusinessReport;
import io.flowlens.analytics.Figures;
import io.flowlens.analytics.LatencyReport;
import io.flowlens.analytics.ServiceErrors;
import io.flowlens.analytics.TimeWindow;
import io.flowlens.analytics.VolumeReport;

/**
 * The dashboard: the seed's three panels over one time range, every figure the analytics core's (the same numbers
 * {@code flowlens analytics latency|errors|business|volume} prints for that window): service performance, error
 * analysis, business, and requests over time.
 *
 * @param start  the window's start (ISO-8601), inclusive
 * @param end    its end, exclusive: a link with {@code ?until=<end>} shows the same numbers again
 */
public record DashboardView(String window, String start, String end, List<LatencyReport.Operation> latency,
                            List<Errors> errors, Business business, String interval, List<Volume> volume) {

    /** Error analysis of one service; {@code percent} as the CLI prints it ({@code n/a} when no spans). */
    public record Errors(String service, long spans, long errors, String percent) {
    }

    /** The business panel: counts and the two rates as the CLI prints them. */
    public record Business(long signups, long ordersCreated, long ordersConfirmed, String orderCompletionPercent,
                           long paymentsAuthorize, long paymentsAuthorized, String paymentSuccessPercent) {
    }

    public record Volume(String start, long spans, long requests, long errors) {
    }

    static DashboardView of(TimeWindow window, List<LatencyReport.Operation> latency, List<ServiceErrors> errors,
                            BusinessReport.Metrics business, Duration interval, List<VolumeReport.Bucket> volume) {
        return new DashboardView(TimeWindow.format(window.length()), window.start().toString(), window.end().toString(),
                latency,
                errors.stream().map(e -> new Errors(e.service(), e.spans(), e.errors(),
                        Figures.percent(e.errors(), e.spans()))).toList(),
                new Business(business.signups(), business.created(), business.confirmed(),
                        Figures.percent(business.confirmed(), business.created()), business.authorize(),
                        business.authorized(), Figures.percent(business.authorized(), business.authorize())),
                TimeWindow.format(interval),
                volume.stream().map(b -> new Volume(b.start().toString(), b.spans(), b.requests(), b.errors())).toList());
    }

    /** About 30 bars whatever the range, on a whole number of seconds (buckets align to the epoch). */
    static Duration interval(TimeWindow window) {
        long seconds = Math.max(1, window.length().toSeconds() / 30);
        return Duration.ofSeconds(seconds);
    }
}
