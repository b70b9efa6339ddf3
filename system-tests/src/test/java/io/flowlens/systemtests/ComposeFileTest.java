package io.flowlens.systemtests;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

/**
 * Our machines have no Docker engine, so docker-compose.yml is checked statically: healthchecks and ordering,
 * pinned images, memory limits, and above all that every port and environment variable it gives a service
 * still matches that service's MicroProfile Config keys, so the compose demo cannot drift from the code.
 */
class ComposeFileTest {

    private static final List<String> SERVICES = ServiceProcesses.SERVICES;
    /** Keys the services read without a default in their properties file (documented in README). */
    private static final Set<String> KEYS_WITHOUT_DEFAULT = Set.of("flowlens.db.password");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)}");

    private static Path root;
    private static Map<String, Object> compose;
    private static Map<String, String> dotEnv;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        root = Path.of(System.getProperty("flowlens.root", "..")).toAbsolutePath().normalize();
        try (Reader reader = Files.newBufferedReader(root.resolve("docker-compose.yml"))) {
            compose = new Yaml().load(reader);
        }
        dotEnv = new HashMap<>();
        for (String line : Files.readAllLines(root.resolve(".env"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                dotEnv.put(line.substring(0, line.indexOf('=')).trim(), line.substring(line.indexOf('=') + 1).trim());
            }
        }
    }

    /** docker-compose (Debian's package, installed by bin/stack.sh install) parses and interpolates the file. */
    @Test
    void dockerComposeAcceptsTheFile() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("docker-compose", "-f", "docker-compose.yml", "config", "-q")
                .directory(root.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat("docker-compose finished", process.waitFor(60, TimeUnit.SECONDS), is(true));
        assertThat("docker-compose config -q:\n" + output, process.exitValue(), is(0));
    }

    @Test
    void everyServiceHasAHealthcheckAMemoryLimitAndWaitsForHealthyDependencies() {
        services().forEach((name, definition) -> {
            Map<String, Object> health = map(definition.get("healthcheck"));
            assertThat(name + " healthcheck", health.get("test"), notNullValue());
            assertThat(name + " mem_limit", definition.get("mem_limit"), notNullValue());
            map(definition.getOrDefault("depends_on", Map.of())).forEach((dependency, condition) -> {
                assertThat(name + " -> " + dependency, map(condition).get("condition"), is("service_healthy"));
                assertThat(name + " depends on a defined service", services().containsKey(dependency), is(true));
            });
        });
    }

    @Test
    void everyImageIsPinned() {
        services().forEach((name, definition) -> {
            Object image = definition.get("image");
            if (image == null) {
                assertThat(name + " is built from this repository", definition.get("build"), notNullValue());
                return;
            }
            String resolved = resolve(image.toString());
            assertThat(name + " image " + resolved + " has a tag", resolved.substring(resolved.lastIndexOf('/') + 1),
                    containsString(":"));
            assertThat(name + " image " + resolved, resolved.endsWith(":latest"), is(false));
        });
    }

    @Test
    void servicePortsAndEnvironmentMatchTheirMicroProfileConfig() throws IOException {
        for (String service : SERVICES) {
            Properties config = microprofileConfig(service);
            Map<String, Object> definition = services().get(service);
            assertThat("compose defines " + service, definition, notNullValue());
            Map<String, Object> environment = map(definition.get("environment"));

            String port = config.getProperty("server.port");
            assertThat(service + " SERVER_PORT", environment.get("SERVER_PORT"), is(port));
            List<String> published = ((List<?>) definition.get("ports")).stream().map(p -> resolve(p.toString())).toList();
            assertThat(service + " publishes its port", published.stream().anyMatch(p -> p.endsWith(":" + port)), is(true));
            assertThat(service + " healthcheck uses its port", map(definition.get("healthcheck")).get("test").toString(),
                    containsString("localhost:" + port + "/health/ready"));

            Set<String> knownNames = new HashSet<>(config.stringPropertyNames());
            knownNames.addAll(KEYS_WITHOUT_DEFAULT);
            Set<String> envNames = knownNames.stream().map(ComposeFileTest::environmentName).collect(Collectors.toSet());
            for (String variable : environment.keySet()) {
                assertThat(service + ": " + variable + " must map to a MicroProfile Config key it reads",
                        envNames, hasItem(variable));
            }
        }
    }

    @Test
    void clientsDatabasesAndTracesPointAtTheRightComposeServices() throws IOException {
        for (String service : SERVICES) {
            Map<String, Object> environment = map(services().get(service).get("environment"));
            Properties config = microprofileConfig(service);
            for (String callee : List.of("users", "orders", "payments")) {
                if (config.getProperty(callee + "/mp-rest/url") != null) {
                    String expected = "http://" + callee + ":" + microprofileConfig(callee).getProperty("server.port");
                    assertThat(service + " calls " + callee, environment.get(callee.toUpperCase() + "_MP_REST_URL"),
                            is(expected));
                }
            }
            assertThat(service + " exports to jaeger", environment.get("OTEL_EXPORTER_OTLP_ENDPOINT"),
                    is("http://jaeger:4318"));
            assertThat(service + " database", environment.get("FLOWLENS_DB_URL"),
                    is("jdbc:postgresql://postgres:5432/" + service));
            assertThat(Files.readString(root.resolve("compose/postgres-init/01-databases.sql")),
                    containsString("CREATE DATABASE " + service + ";"));
        }
        List<String> jaegerPorts = ((List<?>) services().get("jaeger").get("ports")).stream()
                .map(p -> resolve(p.toString())).toList();
        assertThat(jaegerPorts.stream().filter(p -> p.endsWith(":4318")).toList(), is(not(empty())));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() {
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    /** MicroProfile Config's environment-variable form of a property key. */
    private static String environmentName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
    }

    private static String resolve(String value) {
        Matcher matcher = VARIABLE.matcher(value);
        StringBuilder resolved = new StringBuilder();
        while (matcher.find()) {
            String replacement = dotEnv.get(matcher.group(1));
            assertThat("${" + matcher.group(1) + "} is defined in .env", replacement, notNullValue());
            matcher.appendReplacement(resolved, Matcher.quoteReplacement(replacement));
        }
        return matcher.appendTail(resolved).toString();
    }

    private static Properties microprofileConfig(String service) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(
                root.resolve(service + "/src/main/resources/META-INF/microprofile-config.properties"))) {
            properties.load(reader);
        }
        return properties;
    }
}
