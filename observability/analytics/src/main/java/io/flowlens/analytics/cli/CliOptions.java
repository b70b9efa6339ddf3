package io.flowlens.analytics.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.flowlens.analytics.FlowlensSettings;
import io.flowlens.analytics.TimeWindow;
import io.flowlens.analytics.UsageException;
import org.eclipse.microprofile.config.Config;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** The options several commands share, as picocli mixins, and the converters that type their values. */
final class CliOptions {

    private CliOptions() {
    }

    /** Where to read from: each option overrides the MicroProfile Config property of the same meaning. */
    static final class Connection {

        @Option(names = "--es", paramLabel = "URL",
                description = "Elasticsearch URL (config flowlens.elasticsearch.url, default http://127.0.0.1:9200)")
        private String elasticsearch;

        @Option(names = "--ca-file", paramLabel = "FILE",
                description = "CA certificate for https (config flowlens.elasticsearch.ca-file, default the JDK's)")
        private String caFile;

        @Option(names = "--index-prefix", paramLabel = "P",
                description = "span indices <P>-* (config flowlens.spans.index-prefix, default flowlens-spans)")
        private String indexPrefix;

        FlowlensSettings settings(Config config) {
            return settings(config, Optional.empty());
        }

        FlowlensSettings settings(Config config, Optional<String> jaeger) {
            Map<String, String> overrides = new HashMap<>();
            put(overrides, FlowlensSettings.ELASTICSEARCH_URL, elasticsearch);
            put(overrides, FlowlensSettings.ELASTICSEARCH_CA_FILE, caFile);
            put(overrides, FlowlensSettings.INDEX_PREFIX, indexPrefix);
            jaeger.ifPresent(url -> overrides.put(FlowlensSettings.JAEGER_URL, url));
            return FlowlensSettings.from(config, overrides);
        }

        private static void put(Map<String, String> overrides, String property, String value) {
            if (value != null) {
                overrides.put(property, value);
            }
        }
    }

    /** {@code --window D --until T}: the span start times a command looks at, {@code [until - D, until)}. */
    static final class Window {

        @Option(names = "--window", paramLabel = "D", converter = DurationConverter.class,
                description = "length of the window ending at --until: 90s, 15m, 2h, 1d or ISO PT15M (analytics: "
                        + "default 15m; query: all time without it; alerts check: replaces every rule's window)")
        private Duration length;

        @Option(names = "--until", paramLabel = "T", converter = InstantConverter.class,
                description = "end of the window, ISO-8601 instant like 2025-01-31T12:00:00Z (default now)")
        private Instant until;

        Optional<Duration> length() {
            return Optional.ofNullable(length);
        }

        boolean isGiven() {
            return length != null || until != null;
        }

        /** {@code --until}, or now in whole seconds. */
        Instant until(Clock clock) {
            return until != null ? until : clock.instant().truncatedTo(ChronoUnit.SECONDS);
        }

        TimeWindow window(Clock clock, Duration fallback) {
            return TimeWindow.ending(until(clock), length().orElse(fallback));
        }
    }

    /** {@code 15m}, {@code 90s}, ... as {@link TimeWindow#parseDuration} reads them. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return TimeWindow.parseDuration(value);
            } catch (UsageException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class InstantConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            Instant instant;
            try {
                instant = Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("'" + value + "' is not an ISO-8601 instant like 2025-01-31T12:00:00Z");
            }
            try {
                return TimeWindow.requireEnd(instant);
            } catch (UsageException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Counts and limits: a whole number, at least 1. */
    static final class PositiveInteger implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int number;
            try {
                number = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a whole number");
            }
            if (number < 1) {
                throw new TypeConversionException("must be at least 1, was " + number);
            }
            return number;
        }
    }
}
