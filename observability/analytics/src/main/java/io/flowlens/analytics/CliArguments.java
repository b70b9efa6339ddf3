package io.flowlens.analytics;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The command line split into words ({@code analytics errors}) and options ({@code --window 15m}, {@code --window=15m},
 * {@code --dry-run}). Every option must be known, and a command accepts only its own: a typo fails with exit 2
 * rather than being silently ignored and answering a different question.
 */
public final class CliArguments {

    /** Options that take a value. */
    static final Set<String> VALUED = Set.of("es", "ca-file", "index-prefix", "window", "until", "interval", "limit",
            "jaeger", "rules", "days", "trace", "max-spans", "max-traces");
    /** Options that are switches. */
    static final Set<String> SWITCHES = Set.of("dry-run", "help");

    private final List<String> words;
    private final Map<String, String> options;

    private CliArguments(List<String> words, Map<String, String> options) {
        this.words = words;
        this.options = options;
    }

    public static CliArguments parse(String... args) {
        List<String> words = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                words.addAll(List.of(args).subList(i + 1, args.length));
                break;
            }
            if (!arg.startsWith("--") || arg.length() == 2) {
                words.add(arg);
                continue;
            }
            String name = arg.substring(2);
            String value = null;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            }
            if (SWITCHES.contains(name)) {
                if (value != null) {
                    throw new UsageException("--" + name + " takes no value");
                }
                value = "true";
            } else if (VALUED.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = args[++i];
                }
            } else {
                throw new UsageException("unknown option --" + name);
            }
            if (name.equals("trace")) {
                // repeatable: kept as one comma-separated list
                options.merge(name, value, (a, b) -> a + "," + b);
            } else if (options.put(name, value) != null) {
                throw new UsageException("--" + name + " given twice");
            }
        }
        return new CliArguments(List.copyOf(words), Collections.unmodifiableMap(options));
    }

    public List<String> words() {
        return words;
    }

    /** The word at {@code index}, or a usage error naming what was expected there. */
    public String word(int index, String expected) {
        if (index >= words.size()) {
            throw new UsageException("missing " + expected);
        }
        return words.get(index);
    }

    /** Fails when more words were given than the command uses. */
    public void noWordsAfter(int count) {
        if (words.size() > count) {
            throw new UsageException("unexpected argument '" + words.get(count) + "'");
        }
    }

    /** Fails on any option the command does not use; the connection options are always accepted. */
    public void allowOnly(Set<String> commandOptions) {
        for (String name : options.keySet()) {
            if (!commandOptions.contains(name) && !Set.of("es", "ca-file", "index-prefix", "help").contains(name)) {
                throw new UsageException("--" + name + " does not apply to this command");
            }
        }
    }

    public Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    public boolean has(String name) {
        return options.containsKey(name);
    }

    public Duration duration(String name, Duration fallback) {
        return option(name).map(text -> TimeWindow.parseDuration(text, "--" + name)).orElse(fallback);
    }

    public int positiveInt(String name, int fallback) {
        Optional<String> text = option(name);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.get());
            if (value < 1) {
                throw new UsageException("--" + name + " must be at least 1, was " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, was '" + text.get() + "'");
        }
    }

    /** {@code --until}: ISO-8601 instant ({@code 2025-01-31T12:00:00Z}); defaults to {@code now} in whole seconds. */
    public Instant until(Instant now) {
        Optional<String> text = option("until");
        if (text.isEmpty()) {
            return now.truncatedTo(ChronoUnit.SECONDS);
        }
        try {
            return Instant.parse(text.get());
        } catch (DateTimeParseException e) {
            throw new UsageException("--until must be an ISO-8601 instant like 2025-01-31T12:00:00Z, was '"
                    + text.get() + "'");
        }
    }

    /** The window ending at {@code --until} (or now) and {@code --window} long (or {@code fallback}). */
    public TimeWindow window(Instant now, Duration fallback) {
        return TimeWindow.ending(until(now), duration("window", fallback));
    }
}
