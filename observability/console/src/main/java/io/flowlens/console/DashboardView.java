package io.flowlens.console;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.flowlens.analytics.BusinessReport;
import io.flowlens.analytics.ErrorAnalysis;
import io.flowlens.analytics.Figures;
import io.flowlens.analytics.LatencyReport;
import io.flowlens.analytics.ServiceErrors;
import io.flowlens.analytics.TimeWindow;
import io.flowlens.analytics.VolumeReport;

/**
 * The dashboard: the seed's three panels over one time range, every figure the analytics core's (the same numbers
 * {@code flowlens analytics latency|errors|business|volume} prints for that window): service performance, error
 * analysis (per service, its trend per service over time and the newest error spans), business, and requests over
 * time.
 *
 * @param start  the window's start (ISO-8601), inclusive
 * @param end    its end, exclusive: a link with {@code ?until=<end>} shows the same numbers again
 */
public record DashboardView(String window, String start, String end, List<LatencyReport.Operation> latency,
                            List<Errors> errors, Business business, String interval, List<Volume> volume,
                            List<ErrorTrend> errorTrend, List<ErrorDetail> latestErrors) {

    /** Error analysis of one service; {@code percent} as the CLI prints it ({@code n/a} when no spans). */
    public record Errors(String service, long spans, long errors, String percent) {
    }

    /** The business panel: counts and the two rates as the CLI prints them. */
    public record Business(long signups, long ordersCreated, long ordersConfirmed, String orderCompletionPercent,
                           long paymentsAuthorize, long paymentsAuthorized, String paymentSuccessPercent) {
    }

    public record Volume(String start, long spans, long requests, long errors) {
    }

    /** Error spans per service in one bucket of the interval (services without errors left out). */
    public record ErrorTrend(String start, Map<String, Long> errors) {
    }

    /** One of the newest error spans: what went wrong ({@code what}: exception, else error.type/status) and where. */
    public record ErrorDetail(String start, String service, String name, String exceptionType, String what,
                              String traceId, String spanId) {
    }

    static DashboardView of(TimeWindow window, List<LatencyReport.Operation> latency, List<ServiceErrors> errors,
                            BusinessReport.Metrics business, Duration interval, List<VolumeReport.Bucket> volume,
                            List<ErrorAnalysis.Bucket> errorTrend, List<ErrorAnalysis.ErrorSpan> latestErrors) {
        return new DashboardView(TimeWindow.format(window.length()), window.start().toString(), window.end().toString(),
                latency,
                errors.stream().map(e -> new Errors(e.service(), e.spans(), e.errors(),
                        Figures.percent(e.errors(), e.spans()))).toList(),
                new Business(business.signups(), business.created(), business.confirmed(),
                        Figures.percent(business.confirmed(), business.created()), business.authorize(),
                        business.authorized(), Figures.percent(business.authorized(), business.authorize())),
                TimeWindow.format(interval),
                volume.stream().map(b -> new Volume(b.start().toString(), b.spans(), b.requests(), b.errors())).toList(),
                errorTrend.stream().map(b -> new ErrorTrend(b.start().toString(), b.errors())).toList(),
                latestErrors.stream().map(DashboardView::detail).toList());
    }

    private static ErrorDetail detail(ErrorAnalysis.ErrorSpan error) {
        String what = !error.exceptionMessage().isEmpty() ? error.exceptionMessage()
                : !error.statusMessage().isEmpty() ? error.statusMessage() : error.errorType();
        return new ErrorDetail(error.span().start().toString(), error.span().service(), error.span().name(),
                error.exceptionType().isEmpty() ? error.errorType() : error.exceptionType(), what,
                error.span().traceId(), error.span().spanId());
    }

    /** About 30 bars whatever the range, on a whole number of seconds (buckets align to the epoch). */
    static Duration interval(TimeWindow window) {
        long seconds = Math.max(1, window.length().toSeconds() / 30);
        return Duration.ofSeconds(seconds);
    }
}
