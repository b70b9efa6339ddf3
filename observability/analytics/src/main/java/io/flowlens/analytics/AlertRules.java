package io.flowlens.analytics;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Alert rules as code: a YAML file (default: the {@value #DEFAULT_RESOURCE} resource of this jar) read into
 * {@link AlertRule}s. Strict on purpose: an unknown key or type is an error, because a misspelt threshold silently
 * falling back to a default would leave an alert that never fires.
 */
public final class AlertRules {

    static final String DEFAULT_RESOURCE = "io/flowlens/analytics/alert-rules.yaml";

    private final String source;
    private final List<AlertRule> rules;

    private AlertRules(String source, List<AlertRule> rules) {
        this.source = source;
        this.rules = List.copyOf(rules);
    }

    public String source() {
        return source;
    }

    public List<AlertRule> rules() {
        return rules;
    }

    /**
     * @param file           the rules file, or the built-in rules when empty
     * @param windowOverride when present, every rule's window (the command's {@code --window})
     */
    public static AlertRules load(Optional<Path> file, Optional<Duration> windowOverride) {
        if (file.isPresent()) {
            try (Reader reader = Files.newBufferedReader(file.get(), StandardCharsets.UTF_8)) {
                return parse(file.get().toString(), reader, windowOverride);
            } catch (NoSuchFileException e) {
                throw new UsageException("rules file " + file.get() + " does not exist");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read rules file " + file.get(), e);
            }
        }
        InputStream resource = AlertRules.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE);
        if (resource == null) {
            throw new IllegalStateException(DEFAULT_RESOURCE + " is missing from the jar");
        }
        try (Reader reader = new InputStreamReader(resource, StandardCharsets.UTF_8)) {
            return parse("built-in " + DEFAULT_RESOURCE, reader, windowOverride);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static AlertRules parse(String source, Reader yaml, Optional<Duration> windowOverride) {
        Object document;
        try {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        } catch (YAMLException e) {
            throw new UsageException("rules file " + source + " is not valid YAML: " + e.getMessage());
        }
        Fields top = new Fields(source, "the file", document);
        top.only("window", "rules");
        Duration defaultWindow = windowOverride.orElseGet(() -> top.duration("window", Duration.ofMinutes(5)));
        List<AlertRule> rules = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Object entry : top.list("rules")) {
            Fields rule = new Fields(source, "a rule", entry);
            String name = rule.text("name");
            if (!names.add(name)) {
                throw rule.invalid("two rules are named " + name);
            }
            Fields named = new Fields(source, "rule " + name, entry);
            Duration window = windowOverride.orElseGet(() -> named.duration("window", defaultWindow));
            String type = named.text("type");
            rules.add(switch (type) {
                case "error-rate" -> {
                    named.only("name", "type", "window", "max-error-percent", "min-spans");
                    yield new ErrorRateRule(name, window, named.number("max-error-percent"),
                            (long) named.number("min-spans"));
                }
                case "slow-spans" -> {
                    named.only("name", "type", "window", "threshold-ms", "show");
                    yield new SlowSpanRule(name, window, named.number("threshold-ms"),
                            (int) named.optionalNumber("show").orElse(5.0).doubleValue());
                }
                case "service-down" -> {
                    named.only("name", "type", "window", "services", "health");
                    List<String> services = named.list("services").stream().map(String::valueOf).toList();
                    Map<String, URI> health = new LinkedHashMap<>();
                    named.map("health").forEach((service, url) -> health.put(String.valueOf(service),
                            URI.create(String.valueOf(url))));
                    yield new ServiceDownRule(name, window, services, health);
                }
                case "traffic-anomaly" -> {
                    named.only("name", "type", "window", "baseline-windows", "factor", "min-baseline");
                    yield new TrafficAnomalyRule(name, window, (int) named.number("baseline-windows"),
                            named.number("factor"), (long) named.number("min-baseline"));
                }
                default -> throw named.invalid("unknown type '" + type
                        + "' (error-rate, slow-spans, service-down, traffic-anomaly)");
            });
        }
        if (rules.isEmpty()) {
            throw top.invalid("no rules");
        }
        return new AlertRules(source, rules);
    }

    /** The keys of one YAML mapping, read with errors that name the file and the rule. */
    private record Fields(String source, String where, Map<?, ?> values) {

        Fields(String source, String where, Object node) {
            this(source, where, node instanceof Map<?, ?> map ? map : Map.of());
            if (!(node instanceof Map<?, ?>)) {
                throw invalid("must be a mapping of keys to values");
            }
        }

        UsageException invalid(String problem) {
            return new UsageException("rules file " + source + ", " + where + ": " + problem);
        }

        void only(String... keys) {
            Set<String> allowed = Set.of(keys);
            for (Object key : values.keySet()) {
                if (!allowed.contains(String.valueOf(key))) {
                    throw invalid("unknown key '" + key + "' (known: " + String.join(", ", keys) + ")");
                }
            }
        }

        String text(String key) {
            Object value = values.get(key);
            if (value == null || String.valueOf(value).isBlank()) {
                throw invalid("'" + key + "' is required");
            }
            return String.valueOf(value);
        }

        Optional<Double> optionalNumber(String key) {
            Object value = values.get(key);
            if (value == null) {
                return Optional.empty();
            }
            if (!(value instanceof Number number) || number.doubleValue() <= 0) {
                throw invalid("'" + key + "' must be a positive number, was " + value);
            }
            return Optional.of(number.doubleValue());
        }

        double number(String key) {
            return optionalNumber(key).orElseThrow(() -> invalid("'" + key + "' is required"));
        }

        Duration duration(String key, Duration fallback) {
            Object value = values.get(key);
            return value == null ? fallback : TimeWindow.parseDuration(String.valueOf(value), where + " " + key);
        }

        List<?> list(String key) {
            Object value = values.get(key);
            if (!(value instanceof List<?> list) || list.isEmpty()) {
                throw invalid("'" + key + "' must be a non-empty list");
            }
            return list;
        }

        Map<?, ?> map(String key) {
            Object value = values.get(key);
            if (value == null) {
                return Map.of();
            }
            if (!(value instanceof Map<?, ?> map)) {
                throw invalid("'" + key + "' must be a mapping");
            }
            return map;
        }
    }
}
