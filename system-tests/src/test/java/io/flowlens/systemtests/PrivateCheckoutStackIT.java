package io.flowlens.systemtests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import io.restassured.RestAssured;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * The stack started from a private folder (mode 0700, like a root user's clone under /root): Elasticsearch refuses
 * to run as root, so {@code bin/stack.sh} runs it as an unprivileged user, who cannot walk into such a folder. The
 * stack must come up anyway. The instance's state folder is the private one; the installed Jaeger, k6 and downloads
 * are linked from the project's {@code .stack/} so that nothing is built twice.
 */
@ResourceLock(Lanes.SIDE)
class PrivateCheckoutStackIT {

    private static final int SHIFT = 60;

    private static Path privateFolder;
    private static Path stackDir;
    private static Map<String, String> environment;

    @BeforeAll
    static void start() throws IOException {
        Path root = SystemUnderTest.get().root();
        privateFolder = Files.createTempDirectory("flowlens-private-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        stackDir = Files.createDirectory(privateFolder.resolve("stack"));
        for (String shared : new String[] {"bin", "downloads", "venv"}) {
            Files.createSymbolicLink(stackDir.resolve(shared), root.resolve(".stack").resolve(shared));
        }
        environment = SystemUnderTest.instanceEnvironment("private-checkout", SHIFT);
        environment.put("FLOWLENS_STACK_DIR", stackDir.toString());
        SystemUnderTest.stack(root, "up", environment);
    }

    @AfterAll
    static void stop() throws IOException {
        if (environment == null) {
            return;
        }
        Path esState = stackDir.resolve("instances").resolve(environment.get("FLOWLENS_INSTANCE")).resolve("es");
        Path relocated = Files.isSymbolicLink(esState) ? Files.readSymbolicLink(esState) : null;
        SystemUnderTest.stack(SystemUnderTest.get().root(), "down", environment);
        deleteTree(privateFolder);
        if (relocated != null) {
            // /var/lib/flowlens/<checkout>-<hash>/instances/<instance>/es: the whole base belongs to this test
            deleteTree(relocated.getParent().getParent().getParent());
        }
    }

    @Test
    void stackRunsFromAFolderOnlyItsOwnerCanEnter() throws IOException {
        assertThat("the folder is private", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(privateFolder)), is("rwx------"));
        String elasticsearch = "http://127.0.0.1:" + environment.get("ES_PORT");
        RestAssured.given().baseUri(elasticsearch).get("/_cluster/health?wait_for_status=yellow&timeout=10s")
                .then().statusCode(200);
        // the root endpoint the stack adds to this Elasticsearch distribution (Jaeger's client checks it)
        RestAssured.given().baseUri(elasticsearch).head("/").then().statusCode(200);
        RestAssured.given().baseUri("http://127.0.0.1:" + environment.get("JAEGER_HEALTH_PORT")).get("/status")
                .then().statusCode(200);
        RestAssured.given().baseUri("http://127.0.0.1:" + environment.get("SPAN_INDEXER_PORT")).get("/health")
                .then().statusCode(200);
        Path esState = stackDir.resolve("instances").resolve(environment.get("FLOWLENS_INSTANCE")).resolve("es");
        if ("root".equals(System.getProperty("user.name"))) {
            assertThat("as root, Elasticsearch's files live where its user can reach them",
                    Files.readSymbolicLink(esState).toString(), startsWith("/var/lib/flowlens/"));
        } else {
            assertThat("as a normal user, Elasticsearch runs as that user inside the private folder",
                    Files.isDirectory(esState.resolve("data")), is(true));
        }
    }

    private static void deleteTree(Path top) throws IOException {
        if (!Files.exists(top, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(top)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
