package io.flowlens.systemtests;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * Our machines have no Docker engine, so docker-compose.yml is checked statically: healthchecks and ordering,
 * pinned images, memory limits, and above all that every port and environment variable it gives a service
 * still matches that service's MicroProfile Config keys, so the compose demo cannot drift from the code.
 */
class ComposeFileTest {

    private static final List<String> SERVICES = ServiceProcesses.SERVICES;
    /** Our own images: the four services, the span indexer and the console, each with its module folder. */
    private static final Map<String, String> MODULES = Map.of("users", "users", "orders", "orders",
            "payments", "payments", "orchestrator", "orchestrator", "span-indexer", "observability/span-indexer",
            "console", "observability/console");
    /** Keys the services read without a default in their properties file (documented in README). */
    private static final Set<String> KEYS_WITHOUT_DEFAULT = Set.of("flowlens.db.password");
    /** How compose names a value from .env: {@code ${NAME}}. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)}");
    /** How the collector config (Jaeger) names a value from its environment: {@code ${env:NAME:-default}}. */
    private static final Pattern CONFIG_VARIABLE = Pattern.compile("\\$\\{env:([A-Za-z0-9_]+)(?::-([^}]*))?}");

    private static Path root;
    private static Map<String, Object> compose;
    private static Map<String, String> dotEnv;

    @BeforeAll
    static void load() throws IOException {
        root = Path.of(System.getProperty("flowlens.root", "..")).toAbsolutePath().normalize();
        compose = yaml(root.resolve("docker-compose.yml"));
        dotEnv = new HashMap<>();
        for (String line : Files.readAllLines(root.resolve(".env"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                dotEnv.put(line.substring(0, line.indexOf('=')).trim(), line.substring(line.indexOf('=') + 1).trim());
            }
        }
    }

    /** docker-compose (Debian's package; bin/stack.sh install adds it) parses and interpolates the file offline. */
    @Test
    void dockerComposeAcceptsTheFile() throws IOException, InterruptedException {
        boolean installed = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "docker-compose")));
        assertThat("docker-compose is not installed: run bin/stack.sh install (or apt-get install docker-compose)",
                installed, is(true));
        Process process = new ProcessBuilder("docker-compose", "-f", "docker-compose.yml", "config", "-q")
                .directory(root.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat("docker-compose finished", process.waitFor(60, TimeUnit.SECONDS), is(true));
        assertThat("docker-compose config -q:\n" + output, process.exitValue(), is(0));
    }

    @Test
    void everyServiceHasAHealthcheckAMemoryLimitAndWaitsForHealthyDependencies() {
        services().forEach((name, definition) -> {
            Object test = map(definition.get("healthcheck")).get("test");
            assertThat(name + ": every service needs a healthcheck (healthcheck.test)", test, notNullValue());
            assertThat(name + ": the healthcheck is disabled", test.toString(), not(containsString("NONE")));
            Object memory = definition.containsKey("mem_limit") ? definition.get("mem_limit")
                    : map(map(map(definition.get("deploy")).get("resources")).get("limits")).get("memory");
            assertThat(name + ": a memory limit (mem_limit) keeps the stack inside a laptop", memory, notNullValue());
            Object dependsOn = definition.getOrDefault("depends_on", Map.of());
            assertThat(name + ": depends_on must be a map with condition: service_healthy, not a list", dependsOn
                    instanceof Map, is(true));
            map(dependsOn).forEach((dependency, condition) -> {
                assertThat(name + " -> " + dependency + " must wait for a healthy dependency",
                        map(condition).get("condition"), is("service_healthy"));
                assertThat(name + " depends on " + dependency + ", which compose does not define",
                        services().containsKey(dependency), is(true));
            });
        });
    }

    @Test
    void everyImageIsPinned() throws IOException {
        services().forEach((name, definition) -> {
            Object image = definition.get("image");
            if (image == null) {
                assertThat(name + " has neither image nor build", definition.get("build"), notNullValue());
                map(map(definition.get("build")).get("args")).forEach((arg, value) -> {
                    if (arg.endsWith("_IMAGE")) {
                        assertPinned(name + " build arg " + arg, resolve(value.toString()));
                    }
                });
            } else {
                assertPinned(name + " image", resolve(image.toString()));
            }
        });
        // `docker build .` without compose uses the Dockerfile's defaults: the same images as .env
        Matcher arg = Pattern.compile("(?m)^ARG (\\w+_IMAGE)=(\\S+)$")
                .matcher(Files.readString(root.resolve("Dockerfile")));
        int defaults = 0;
        while (arg.find()) {
            defaults++;
            assertThat("Dockerfile ARG " + arg.group(1) + " default equals .env", arg.group(2), is(dotEnv.get(arg.group(1))));
        }
        assertThat("Dockerfile declares its base images as ARG ..._IMAGE=<image:tag>", defaults, not(is(0)));
    }

    @Test
    void versionsAndHostPortsComeFromDotEnv() throws IOException {
        services().forEach((name, definition) -> {
            if (definition.get("image") != null) {
                assertThat(name + ": the image version belongs in .env", definition.get("image").toString(),
                        containsString("${"));
            }
            for (Object port : list(definition.get("ports"))) {
                assertThat(name + ": published port " + port + " must take its host side from .env", port.toString(),
                        startsWith("${"));
                resolve(port.toString());
            }
        });
        assertThat("Kibana runs the same version as Elasticsearch",
                services().get("kibana").get("image").toString(), containsString(":${ELASTIC_VERSION}"));
        assertThat("elasticsearch image", services().get("elasticsearch").get("image").toString(),
                containsString(":${ELASTIC_VERSION}"));
        Matcher local = Pattern.compile("(?m)^ES_VERSION=\\D*(\\d+\\.\\d+\\.\\d+)")
                .matcher(Files.readString(root.resolve("bin/stack.sh")));
        assertThat("bin/stack.sh names the local stack's ES_VERSION", local.find(), is(true));
        assertThat("compose runs the Elasticsearch version the tests run against (bin/stack.sh ES_VERSION)",
                dotEnv.get("ELASTIC_VERSION"), is(local.group(1)));
    }

    @Test
    void servicePortsAndEnvironmentMatchTheirMicroProfileConfig() throws IOException {
        for (String service : MODULES.keySet()) {
            Properties config = microprofileConfig(service);
            Map<String, Object> definition = services().get(service);
            assertThat("compose defines " + service, definition, notNullValue());
            Map<String, Object> environment = environment(service);

            String port = config.getProperty("server.port");
            assertThat(service + " SERVER_PORT must equal server.port in its microprofile-config.properties",
                    environment.get("SERVER_PORT"), is(port));
            List<String> published = list(definition.get("ports")).stream().map(p -> resolve(p.toString())).toList();
            assertThat(service + " publishes its port " + port + " " + published,
                    published.stream().anyMatch(p -> p.endsWith(":" + port)), is(true));
            assertThat(service + " healthcheck uses its port", map(definition.get("healthcheck")).get("test").toString(),
                    containsString("localhost:" + port + "/health/ready"));

            Set<String> knownNames = new HashSet<>(config.stringPropertyNames());
            knownNames.addAll(KEYS_WITHOUT_DEFAULT);
            Set<String> envNames = knownNames.stream().map(ComposeFileTest::environmentName).collect(Collectors.toSet());
            for (String variable : environment.keySet()) {
                assertThat(service + ": " + variable + " maps to no MicroProfile Config key of " + service
                        + " (env name = key, non-alphanumerics as _, upper case); it reads " + new TreeSet<>(envNames),
                        envNames.contains(variable), is(true));
            }
        }
    }

    @Test
    void clientsDatabasesAndTracesPointAtTheRightComposeServices() throws IOException {
        String databases = Files.readString(root.resolve("compose/postgres-init/01-databases.sql"));
        Map<String, Object> postgres = environment("postgres");
        for (String service : SERVICES) {
            Map<String, Object> environment = environment(service);
            Properties config = microprofileConfig(service);
            for (String callee : List.of("users", "orders", "payments")) {
                if (config.getProperty(callee + "/mp-rest/url") != null) {
                    String expected = "http://" + callee + ":" + microprofileConfig(callee).getProperty("server.port");
                    assertThat(service + " calls " + callee, environment.get(callee.toUpperCase(Locale.ROOT) + "_MP_REST_URL"),
                            is(expected));
                }
            }
            assertThat(service + " exports traces to the jaeger service", environment.get("OTEL_EXPORTER_OTLP_ENDPOINT"),
                    is("http://jaeger:4318"));
            assertThat(service + " database", environment.get("FLOWLENS_DB_URL"),
                    is("jdbc:postgresql://postgres:5432/" + service));
            assertThat("compose/postgres-init creates the database of " + service, databases,
                    containsString("CREATE DATABASE " + service + ";"));
            assertThat(service + " logs in as the postgres user", environment.get("FLOWLENS_DB_USER"),
                    is(postgres.get("POSTGRES_USER")));
            assertThat(service + " uses the postgres password", environment.get("FLOWLENS_DB_PASSWORD"),
                    is(postgres.get("POSTGRES_PASSWORD")));
        }
    }

    /**
     * Export once: the services get no Elasticsearch settings; the span indexer writes to the elasticsearch service
     * and starts after it; Jaeger waits for the indexer and sends it every span at its port.
     */
    @Test
    void onlyTheSpanIndexerWritesSpanDocuments() throws IOException {
        for (String service : SERVICES) {
            assertThat(service + " must not write to Elasticsearch itself (Jaeger and the span indexer do)",
                    environment(service).keySet().stream().filter(name -> name.contains("ELASTICSEARCH")).toList(),
                    is(List.of()));
        }
        assertThat(environment("span-indexer").get("OTEL_EXPORTER_ELASTICSEARCH_ENDPOINT"),
                is("http://elasticsearch:9200"));
        assertThat("the indexer waits for Elasticsearch", map(services().get("span-indexer").get("depends_on"))
                .containsKey("elasticsearch"), is(true));
        assertThat("Jaeger waits for the indexer", map(services().get("jaeger").get("depends_on"))
                .containsKey("span-indexer"), is(true));
        String port = microprofileConfig("span-indexer").getProperty("server.port");
        Map<String, Object> indexer = map(map(jaegerConfig().get("exporters")).get("otlphttp/indexer"));
        assertThat("Jaeger's otlphttp/indexer exporter", indexer.get("endpoint"), is("http://span-indexer:" + port));
        assertThat("a bounded sending queue keeps batches while the indexer is away",
                map(indexer.get("sending_queue")).get("queue_size"), notNullValue());
        assertThat("and retries them", map(indexer.get("retry_on_failure")).get("enabled"), is(true));
        List<String> exporters = strings(map(map(map(jaegerConfig().get("service")).get("pipelines")).get("traces"))
                .get("exporters"));
        assertThat("the traces pipeline fans out to storage and the indexer", exporters,
                is(List.of("jaeger_storage_exporter", "otlphttp/indexer")));
    }

    /** Jaeger's config file with the variables compose sets (or their defaults) filled in. */
    private static Map<String, Object> jaegerConfig() throws IOException {
        Map<String, Object> jaeger = services().get("jaeger");
        String inContainer = list(jaeger.get("command")).stream().map(Object::toString)
                .filter(a -> a.startsWith("file:")).findFirst().orElseThrow().substring("file:".length());
        String mount = list(jaeger.get("volumes")).stream().map(Object::toString)
                .filter(v -> v.split(":")[1].equals(inContainer)).findFirst().orElseThrow();
        Map<String, Object> environment = environment("jaeger");
        Matcher variable = CONFIG_VARIABLE.matcher(Files.readString(root.resolve(mount.split(":")[0]).normalize()));
        StringBuilder text = new StringBuilder();
        while (variable.find()) {
            Object value = environment.get(variable.group(1));
            String resolved = value != null ? value.toString() : variable.group(2) != null ? variable.group(2) : "";
            variable.appendReplacement(text, Matcher.quoteReplacement(resolved));
        }
        return new Yaml().load(variable.appendTail(text).toString());
    }

    /**
     * Jaeger reads the local stack's own config file (one file for both ways to run); with the variables compose
     * sets, it must store in the elasticsearch service, listen where compose publishes and the services export,
     * and answer its healthcheck where compose asks.
     */
    @Test
    void jaegerConfigStoresInTheComposeElasticsearchAndMatchesItsHealthcheck() throws IOException {
        Map<String, Object> jaeger = services().get("jaeger");
        String configArgument = list(jaeger.get("command")).stream().map(Object::toString)
                .filter(a -> a.startsWith("file:")).findFirst()
                .orElseThrow(() -> new AssertionError("jaeger command names its config: --config file:<path>"));
        String inContainer = configArgument.substring("file:".length());
        String mount = list(jaeger.get("volumes")).stream().map(Object::toString)
                .filter(v -> v.split(":")[1].equals(inContainer)).findFirst()
                .orElseThrow(() -> new AssertionError("jaeger mounts " + inContainer + " from the repository"));
        Path file = root.resolve(mount.split(":")[0]).normalize();
        assertThat("the Jaeger config compose mounts exists: " + file, Files.isRegularFile(file), is(true));

        Map<String, Object> environment = environment("jaeger");
        Matcher variable = CONFIG_VARIABLE.matcher(Files.readString(file));
        StringBuilder text = new StringBuilder();
        while (variable.find()) {
            Object value = environment.get(variable.group(1));
            String resolved = value != null ? value.toString() : variable.group(2) != null ? variable.group(2) : "";
            variable.appendReplacement(text, Matcher.quoteReplacement(resolved));
        }
        Map<String, Object> config = new Yaml().load(variable.appendTail(text).toString());

        Map<String, Object> extensions = map(config.get("extensions"));
        String storage = map(map(config.get("exporters")).get("jaeger_storage_exporter")).get("trace_storage").toString();
        Map<String, Object> elasticsearch = map(map(map(map(extensions.get("jaeger_storage")).get("backends"))
                .get(storage)).get("elasticsearch"));
        // one variable names every node of a cluster: the collector's config decoder splits a comma-separated string
        Object urls = elasticsearch.get("server_urls");
        List<String> serverUrls = urls instanceof String commaSeparated ? List.of(commaSeparated.split(",")) : strings(urls);
        assertThat("Jaeger stores spans in the elasticsearch service", serverUrls, is(List.of("http://elasticsearch:9200")));
        map(elasticsearch.get("indices")).forEach((index, settings) -> {
            if (settings instanceof Map<?, ?> indexSettings && indexSettings.containsKey("replicas")) {
                assertThat("one Elasticsearch node: " + index + " replicas", indexSettings.get("replicas"), is(0));
            }
        });

        Map<String, Object> protocols = map(map(map(config.get("receivers")).get("otlp")).get("protocols"));
        assertThat("OTLP/HTTP receiver (the services export to jaeger:4318)",
                map(protocols.get("http")).get("endpoint"), is("0.0.0.0:4318"));
        assertThat("OTLP/gRPC receiver", map(protocols.get("grpc")).get("endpoint"), is("0.0.0.0:4317"));
        assertThat("query API and UI", map(map(extensions.get("jaeger_query")).get("http")).get("endpoint"),
                is("0.0.0.0:16686"));
        List<String> published = list(jaeger.get("ports")).stream().map(p -> resolve(p.toString())).toList();
        for (String port : List.of("16686", "4317", "4318")) {
            assertThat("jaeger publishes " + port + " " + published,
                    published.stream().anyMatch(p -> p.endsWith(":" + port)), is(true));
        }

        Map<String, Object> health = map(map(extensions.get("healthcheckv2")).get("http"));
        String healthPort = health.get("endpoint").toString().replaceAll(".*:", "");
        String healthPath = map(health.get("status")).get("path").toString();
        assertThat("the jaeger healthcheck asks the healthcheckv2 extension",
                map(jaeger.get("healthcheck")).get("test").toString(), containsString(":" + healthPort + healthPath));
        assertThat("Jaeger's enabled extensions", strings(map(config.get("service")).get("extensions")),
                hasItems("healthcheckv2", "jaeger_query"));
    }

    private static void assertPinned(String what, String image) {
        String name = image.substring(image.lastIndexOf('/') + 1);
        assertThat(what + " " + image + " needs a tag or digest", name.contains(":") || name.contains("@"), is(true));
        assertThat(what + " " + image + " must not float on latest", image.endsWith(":latest"), is(false));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() {
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    /** A service's environment with .env values filled in; compose allows a map or a list of NAME=value. */
    private static Map<String, Object> environment(String service) {
        Object environment = services().get(service).get("environment");
        Map<String, Object> entries = new LinkedHashMap<>();
        if (environment instanceof List<?> lines) {
            for (Object line : lines) {
                String entry = line.toString();
                entries.put(entry.substring(0, entry.indexOf('=')), entry.substring(entry.indexOf('=') + 1));
            }
        } else {
            entries.putAll(map(environment));
        }
        Map<String, Object> resolved = new LinkedHashMap<>();
        entries.forEach((name, value) -> resolved.put(name, value == null ? null : resolve(value.toString())));
        return resolved;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    private static List<Object> list(Object value) {
        return value == null ? List.of() : new ArrayList<>((List<?>) value);
    }

    private static List<String> strings(Object value) {
        return list(value).stream().map(String::valueOf).toList();
    }

    /** MicroProfile Config's environment-variable form of a property key. */
    private static String environmentName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
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

    private static Map<String, Object> yaml(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file)) {
            return new Yaml().load(reader);
        }
    }

    /** The keys a module reads from its properties file; a service also reads the platform's shared defaults. */
    private static Properties microprofileConfig(String service) throws IOException {
        Properties properties = new Properties();
        if (SERVICES.contains(service)) {
            load(properties, "observability/platform");
        }
        load(properties, MODULES.get(service)); // loaded last: the service's own lines win, as by their ordinal
        return properties;
    }

    private static void load(Properties properties, String module) throws IOException {
        try (Reader reader = Files.newBufferedReader(
                root.resolve(module + "/src/main/resources/META-INF/microprofile-config.properties"))) {
            properties.load(reader);
        }
    }
}
