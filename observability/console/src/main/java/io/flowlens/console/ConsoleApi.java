package io.flowlens.console;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import io.flowlens.analytics.BusinessReport;
import io.flowlens.analytics.DependencyReport;
import io.flowlens.analytics.ErrorAnalysis;
import io.flowlens.analytics.ErrorRateReport;
import io.flowlens.analytics.FlowRuns;
import io.flowlens.analytics.JaegerTraces;
import io.flowlens.analytics.LatencyReport;
import io.flowlens.analytics.SpanSearch;
import io.flowlens.analytics.TimeWindow;
import io.flowlens.analytics.TraceSpans;
import io.flowlens.analytics.UsageException;
import io.flowlens.analytics.VolumeReport;
import io.flowlens.analytics.alerts.AlertCheck;
import io.flowlens.analytics.alerts.AlertRules;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The JSON the pages fetch. Every number comes from the analytics core (the same classes the {@code flowlens} CLI
 * prints), traces from Jaeger with the span documents as the fallback. Bad input is a {@link UsageException}, which
 * {@link ConsoleExceptionMapper} answers 400.
 */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@ApplicationScoped
public class ConsoleApi {

    /** W3C trace ids are 32 hex digits; Jaeger also knows 16-digit (64-bit) ones. */
    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-fA-F]{16}|[0-9a-fA-F]{32}");
    private static final int MAX_FLOWS = 500;
    private static final int LATEST_ERRORS = 20;

    private final Backends backends;
    private final int maxMapSpans;
    private final List<SavedSearches.Search> savedSearches = SavedSearches.load();

    /**
     * {@code flowlens.console.map.max-spans}: the map reads at most this many CLIENT and SERVER spans (50 000 by
     * default, ~4 000 flows); a busier window is drawn from a sample of whole traces (DependencyReport), which keeps
     * the page to seconds: 200 000 took ~15 s to read here.
     */
    @Inject
    public ConsoleApi(Backends backends,
                      @ConfigProperty(name = "flowlens.console.map.max-spans", defaultValue = "50000") int maxMapSpans) {
        if (maxMapSpans < 1) {
            throw new IllegalArgumentException("flowlens.console.map.max-spans must be at least 1, was " + maxMapSpans);
        }
        this.backends = backends;
        this.maxMapSpans = maxMapSpans;
    }

    /**
     * Builds this resource and its backends when the application starts, so a bad setting ({@code
     * flowlens.console.map.max-spans}, {@code flowlens.console.window}) stops the console with its message instead of
     * a ready console answering every view with a 500.
     */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        backends.defaultWindow();
    }

    @GET
    @Path("/flows")
    public String flows(@QueryParam("outcome") String outcome, @QueryParam("window") String window,
                        @QueryParam("limit") String limit, @QueryParam("user") String user,
                        @QueryParam("trace") String trace) throws IOException {
        if (trace != null && !trace.isBlank()) {
            // a trace's own flow, whenever it ran: the link from the trace view, so no time range applies
            String id = traceId(trace.trim());
            return Json.write(FlowsView.of("any time", "all", new FlowRuns(backends.store()).ofTrace(id)));
        }
        Optional<FlowRuns.Outcome> wanted = outcome == null || outcome.isBlank() || outcome.equals("all")
                ? Optional.empty() : Optional.of(FlowRuns.Outcome.parse(outcome));
        TimeWindow range = window(window);
        List<FlowRuns.FlowRun> runs = new FlowRuns(backends.store()).recent(range, wanted, userId(user), limit(limit));
        return Json.write(FlowsView.of(TimeWindow.format(range.length()),
                wanted.map(o -> o.name().toLowerCase(Locale.ROOT)).orElse("all"), runs));
    }

    @GET
    @Path("/traces/{traceId}")
    public String trace(@PathParam("traceId") String traceId) throws IOException {
        String id = traceId(traceId);
        String note = "";
        List<TraceSpans.DetailedSpan> spans;
        try {
            spans = backends.jaeger().detailedTrace(id);
            if (spans.isEmpty()) {
                spans = TraceSpans.fromStore(backends.store(), id);
                note = spans.isEmpty() ? "" : "Jaeger does not have this trace (yet); shown from flowlens-spans-*";
            }
        } catch (JaegerTraces.JaegerException e) {
            spans = TraceSpans.fromStore(backends.store(), id);
            note = "Jaeger did not answer (" + e.getMessage() + "); shown from flowlens-spans-*";
        }
        if (spans.isEmpty()) {
            throw new NotFoundException("No trace " + id + " in Jaeger (" + backends.settings().jaeger()
                    + ") or in " + backends.settings().indexPattern() + ". Spans take a few seconds to arrive; "
                    + "check the id or try again.", new IllegalArgumentException(id));
        }
        return Json.write(WaterfallView.of(id, note.isEmpty() ? "jaeger" : "elasticsearch", note, spans));
    }

    @GET
    @Path("/map")
    public String map(@QueryParam("window") String window) throws IOException {
        TimeWindow range = window(window);
        return Json.write(ServiceMapView.of(TimeWindow.format(range.length()),
                new ErrorRateReport(backends.store()).measure(range),
                new DependencyReport(backends.store()).measure(range, maxMapSpans)));
    }

    @GET
    @Path("/dashboard")
    public String dashboard(@QueryParam("window") String window, @QueryParam("until") String until)
            throws IOException {
        TimeWindow range = window(window, until);
        Duration interval = DashboardView.interval(range);
        return Json.write(DashboardView.of(range, new LatencyReport(backends.store()).measure(range),
                new ErrorRateReport(backends.store()).measure(range),
                new BusinessReport(backends.store()).measure(range), interval,
                new VolumeReport(backends.store()).measure(range, interval),
                new ErrorAnalysis(backends.store()).trend(range, interval),
                new ErrorAnalysis(backends.store()).latest(range, LATEST_ERRORS)));
    }

    @GET
    @Path("/search")
    public String search(@QueryParam("q") String query, @QueryParam("lang") String lang,
                         @QueryParam("window") String window, @QueryParam("limit") String limit) throws IOException {
        if (query == null || query.isBlank()) {
            throw new UsageException("q is required: a KQL query over the span fields, e.g. duration_ms > 1000");
        }
        // KQL by default, as Kibana and the saved searches write it; lang=lucene for query_string syntax
        SpanSearch.Language language = lang == null || lang.isBlank() ? SpanSearch.Language.KQL
                : SpanSearch.Language.parse(lang);
        TimeWindow range = window(window);
        return Json.write(SearchView.of(query, language, TimeWindow.format(range.length()),
                new SpanSearch(backends.store()).search(query, language, Optional.of(range), limit(limit))));
    }

    @GET
    @Path("/search/examples")
    public String searchExamples() {
        return Json.write(savedSearches);
    }

    @GET
    @Path("/alerts")
    public String alerts(@QueryParam("window") String window) throws IOException {
        Optional<Duration> override = window == null || window.isBlank() ? Optional.empty()
                : Optional.of(TimeWindow.parseDuration(window));
        AlertRules rules = AlertRules.load(Optional.empty(), override);
        return Json.write(AlertsView.of(new AlertCheck(backends.store(), backends.http()).run(rules, Instant.now())));
    }

    private static String traceId(String text) {
        if (!TRACE_ID.matcher(text).matches()) {
            throw new UsageException("'" + text + "' is not a trace id: 32 (or 16) hexadecimal digits");
        }
        return text.toLowerCase(Locale.ROOT);
    }

    private TimeWindow window(String text) {
        return window(text, null);
    }

    /** {@code [until - window, until)}; until defaults to now, so a link with both shows the same numbers again. */
    private TimeWindow window(String text, String until) {
        Duration length = text == null || text.isBlank() ? backends.defaultWindow() : TimeWindow.parseDuration(text);
        Instant end;
        try {
            end = until == null || until.isBlank() ? Instant.now() : Instant.parse(until.trim());
        } catch (DateTimeParseException e) {
            throw new UsageException("until must be an ISO-8601 instant like 2026-12-03T06:00:00Z, was '" + until + "'");
        }
        try {
            TimeWindow.requireEnd(end);
        } catch (UsageException outOfRange) {
            throw new UsageException("until: " + outOfRange.getMessage());
        }
        return TimeWindow.ending(end, length);
    }

    private static Optional<Long> userId(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        long id;
        try {
            id = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            id = 0;
        }
        if (id < 1) {
            // the users contract's ids start at 1: a filter on another number can only find nothing
            throw new UsageException("user must be a user id (a whole number from 1), was '" + text + "'");
        }
        return Optional.of(id);
    }

    private static int limit(String text) {
        if (text == null || text.isBlank()) {
            return 50;
        }
        try {
            int limit = Integer.parseInt(text.trim());
            if (limit >= 1 && limit <= MAX_FLOWS) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // the message below says what is allowed
        }
        throw new UsageException("limit must be a whole number from 1 to " + MAX_FLOWS + ", was '" + text + "'");
    }
}
