package io.flowlens.analytics.alerts;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.flowlens.analytics.TimeWindow;
import io.flowlens.analytics.UsageException;

/**
 * Alert rules as code: a YAML file (default: the {@value #DEFAULT_RESOURCE} resource of this jar) read by Jackson
 * into {@link RulesFile} records, then into {@link AlertRule}s. Strict on purpose: an unknown key or type is an
 * error naming it, because a misspelt threshold silently falling back to a default would leave an alert that never
 * fires.
 */
public final class AlertRules {

    static final String DEFAULT_RESOURCE = "io/flowlens/analytics/alert-rules.yaml";
    private static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
    private static final String TYPES = "error-rate, slow-spans, service-down, traffic-anomaly";

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

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
     * The rules of a YAML file, or the built-in ones.
     *
     * @param file           the rules file, or the built-in rules when empty
     * @param windowOverride when present, every rule's window (the command's {@code --window})
     * @throws UsageException when the file is missing or not a valid rules file
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

    static AlertRules parse(String source, Reader yaml, Optional<Duration> windowOverride) throws IOException {
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new UsageException("rules file " + source + " is not valid YAML: " + e.getOriginalMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new UsageException("rules file " + source + " must be a mapping with 'rules:'");
        }
        RulesFile file;
        try {
            file = YAML.treeToValue(tree, RulesFile.class);
        } catch (JsonMappingException e) {
            String where = where(e, tree);
            throw new UsageException("rules file " + source + ", " + where + ": " + problem(e, where.startsWith("rule")));
        }
        if (file.rules() == null || file.rules().isEmpty()) {
            throw new UsageException("rules file " + source + ": no rules");
        }
        Duration fileWindow = windowOverride.orElseGet(() -> file.window() == null ? DEFAULT_WINDOW
                : duration(file.window(), "rules file " + source + ", window"));
        List<AlertRule> rules = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (RulesFile.Entry entry : file.rules()) {
            String where = "rules file " + source + ", rule " + entry.name();
            if (entry.name() == null || entry.name().isBlank()) {
                throw new UsageException("rules file " + source + ", a rule: 'name' is required");
            }
            if (!names.add(entry.name())) {
                throw new UsageException(where + ": two rules are named " + entry.name());
            }
            Duration window = windowOverride.orElseGet(() -> entry.window() == null ? fileWindow
                    : duration(entry.window(), where + ", window"));
            rules.add(entry.toRule(window, problem -> new UsageException(where + ": " + problem)));
        }
        return new AlertRules(source, rules);
    }

    private static Duration duration(String text, String where) {
        try {
            return TimeWindow.parseDuration(text);
        } catch (UsageException e) {
            throw new UsageException(where + ": " + e.getMessage());
        }
    }

    /** "the file", or the rule the failing value is in, by its name when it has one. */
    private static String where(JsonMappingException e, JsonNode tree) {
        List<JsonMappingException.Reference> path = e.getPath();
        if (path.size() >= 2 && "rules".equals(path.get(0).getFieldName()) && path.get(1).getIndex() >= 0) {
            int index = path.get(1).getIndex();
            JsonNode name = tree.path("rules").path(index).path("name");
            return name.isTextual() ? "rule " + name.asText() : "rule " + (index + 1);
        }
        return "the file";
    }

    private static String problem(JsonMappingException e, boolean inRule) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            // Jackson consumes `type` itself, so it is not among the rule record's properties
            String known = unknown.getKnownPropertyIds() == null ? "" : " (known: " + (inRule ? "type, " : "")
                    + unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted()
                    .collect(Collectors.joining(", ")) + ")";
            return "unknown key '" + unknown.getPropertyName() + "'" + known;
        }
        if (e instanceof InvalidTypeIdException type) {
            return type.getTypeId() == null ? "'type' is required (" + TYPES + ")"
                    : "unknown type '" + type.getTypeId() + "' (" + TYPES + ")";
        }
        List<JsonMappingException.Reference> path = e.getPath();
        String key = path.isEmpty() ? "?" : path.get(path.size() - 1).getFieldName();
        return "'" + key + "' has a value of the wrong kind: " + e.getOriginalMessage().lines().findFirst().orElse("");
    }
}
