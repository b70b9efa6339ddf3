package io.flowlens.systemtests;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.yaml.snakeyaml.Yaml;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/**
 * Each service's Swagger UI, rendered by headless Chromium (Debian's chromium, installed by bin/stack.sh install),
 * shows every operation of its contract; a screenshot per service lands in target/swagger-ui/ for a person to look at.
 */
@ResourceLock(Lanes.MAIN)
class SwaggerUiIT {

    /** Where Helidon's /openapi/ui redirects: SmallRye's Swagger UI page, whose assets are served from the jar. */
    private static final String UI_PAGE = "/openapi/ui/index.html";
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 1600;

    private static SystemUnderTest system;

    @BeforeAll
    static void start() {
        // before the stack starts, so a missing browser fails in a second, not after the whole system came up
        HeadlessChromium.assertInstalled();
        system = SystemUnderTest.get();
    }

    @ParameterizedTest
    @ValueSource(strings = {"users", "orders", "payments", "orchestrator"})
    void swaggerUiShowsEveryOperationOfTheContract(String service) throws IOException, InterruptedException {
        String page = system.services().url(service) + UI_PAGE;
        Path out = Files.createDirectories(system.root().resolve("system-tests/target/swagger-ui"));
        Map<String, Object> contract = contract(service);
        Path log = out.resolve(service + "-chromium.log");
        Files.deleteIfExists(log);

        Path screenshot = out.resolve(service + ".png");
        String dom = HeadlessChromium.domAndScreenshot(log, page, screenshot, WIDTH, HEIGHT);
        // the UI loaded the spec from the service itself (SmallRye's page asks for '/openapi' on the same origin)
        assertThat(service + ": Swagger UI's spec URL", dom, containsString("class=\"download-url-input\" type=\"text\" "
                + "value=\"/openapi\""));
        String title = map(contract.get("info")).get("title").toString();
        assertThat(service + ": Swagger UI shows the contract's title (an empty shell would not)", dom,
                containsString(">" + title + "<"));
        operations(contract).forEach((operationId, path) -> {
            assertThat(service + ": Swagger UI lists operation " + operationId, dom,
                    containsString("/" + operationId + "\""));
            assertThat(service + ": Swagger UI lists path " + path, dom, containsString("data-path=\"" + path + "\""));
        });

        // Helidon copies each asset it served from the jar to a temp file it never deletes: they belong in the temp
        // dir the launcher gave this run of the service, which its next start empties, not in the machine's /tmp
        try (Stream<Path> files = Files.list(system.services().tempDir(service))) {
            assertThat(service + ": Swagger UI assets copied to the service's own temp dir",
                    files.filter(file -> file.getFileName().toString().endsWith(".je")).count(), greaterThan(0L));
        }

        assertThat("screenshot " + screenshot + " written", Files.isRegularFile(screenshot), is(true));
        assertThat("screenshot " + screenshot + " (a blank page compresses to a few kB)", Files.size(screenshot),
                greaterThan(20_000L));
        assertThat("screenshot " + screenshot + " size", HeadlessChromium.pngSize(screenshot), is(List.of(WIDTH, HEIGHT)));
    }

    /** The service's bundled contract: the file its /openapi serves (mp.openapi.static-file). */
    private static Map<String, Object> contract(String service) throws IOException {
        Path file = system.root().resolve(
                "api-contracts/target/generated-resources/openapi/META-INF/openapi-bundled/" + service + ".yaml");
        try (Reader reader = Files.newBufferedReader(file)) {
            return new Yaml().load(reader);
        }
    }

    /** operationId to path, for every operation of the contract. */
    private static Map<String, String> operations(Map<String, Object> contract) {
        Map<String, String> operations = new LinkedHashMap<>();
        map(contract.get("paths")).forEach((path, item) -> map(item).values().forEach(operation -> {
            if (operation instanceof Map<?, ?> details && details.get("operationId") != null) {
                operations.put(details.get("operationId").toString(), path);
            }
        }));
        assertThat("the contract has operations", operations.isEmpty(), is(false));
        return operations;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }
}
