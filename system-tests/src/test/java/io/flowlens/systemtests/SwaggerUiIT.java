package io.flowlens.systemtests;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/**
 * Each service's Swagger UI, rendered by headless Chromium (Debian's chromium, installed by bin/stack.sh install),
 * lists every operation of its contract; a screenshot per service lands in target/swagger-ui/ for a person to look at.
 */
class SwaggerUiIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private static SystemUnderTest system;

    @BeforeAll
    static void start() {
        system = SystemUnderTest.get();
    }

    @ParameterizedTest
    @ValueSource(strings = {"users", "orders", "payments", "orchestrator"})
    void swaggerUiListsEveryOperationOfTheContract(String service) throws IOException, InterruptedException {
        assertThat("headless Chromium at " + CHROMIUM + " (bin/stack.sh install installs Debian's chromium)",
                Files.isExecutable(CHROMIUM), is(true));
        String page = system.services().url(service) + "/openapi/ui/index.html";
        Path out = Files.createDirectories(system.root().resolve("system-tests/target/swagger-ui"));

        String dom = chromium(out.resolve(service + "-profile"), "--dump-dom", page);
        for (String operationId : operationIds(service)) {
            assertThat(service + " Swagger UI shows operation " + operationId, dom, containsString("/" + operationId + "\""));
        }

        Path screenshot = out.resolve(service + ".png");
        Files.deleteIfExists(screenshot);
        chromium(out.resolve(service + "-profile"), "--window-size=1280,1400", "--screenshot=" + screenshot, page);
        assertThat("screenshot " + screenshot, Files.size(screenshot), greaterThan(10_000L));
    }

    private static String chromium(Path profile, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=10000"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat("chromium finished", process.waitFor(90, TimeUnit.SECONDS), is(true));
        assertThat("chromium exit code", process.exitValue(), is(0));
        return output;
    }

    /** Every operationId of the service's bundled contract, the file its /openapi serves. */
    @SuppressWarnings("unchecked")
    private static List<String> operationIds(String service) throws IOException {
        Path contract = system.root().resolve(
                "api-contracts/target/generated-resources/openapi/META-INF/openapi-bundled/" + service + ".yaml");
        Map<String, Object> document;
        try (Reader reader = Files.newBufferedReader(contract)) {
            document = new Yaml().load(reader);
        }
        List<String> ids = new ArrayList<>();
        for (Object path : ((Map<String, Object>) document.get("paths")).values()) {
            for (Object operation : ((Map<String, Object>) path).values()) {
                if (operation instanceof Map<?, ?> map && map.get("operationId") != null) {
                    ids.add(map.get("operationId").toString());
                }
            }
        }
        assertThat(service + " contract has operations", ids.isEmpty(), is(false));
        return ids;
    }
}
