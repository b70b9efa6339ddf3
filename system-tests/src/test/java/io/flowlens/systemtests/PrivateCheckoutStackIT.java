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
        if (relocated != null) {
            // /var/lib/flowlens/<checkout>-<hash>/instances/<instance>/es: the whole base belongs to this test; removed
            // while its stack folder still exists, so that another lane's install does not prune it at the same time
            deleteTree(relocated.getParent().getParent().getParent());
        }
        deleteTree(privateFolder);
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
            Path relocated = Files.readSymbolicLink(esState);
            assertThat("as root, Elasticsearch's files live where its user can reach them",
                    relocated.toString(), startsWith("/var/lib/flowlens/"));
            assertThat("the folder names the stack folder it belongs to, for the prune of a deleted checkout",
                    Files.readString(relocated.getParent().getParent().getParent().resolve(".stack-dir")).strip(),
                    is(stackDir.toString()));
        } else {
            assertThat("as a normal user, Elasticsearch runs as that user inside the private folder",
                    Files.isDirectory(esState.resolve("data")), is(true));
        }
    }

    @Test
    void pruneRemovesTheElasticsearchFolderOfADeletedCheckoutOnly() throws IOException {
        Path baseRoot = Files.createDirectory(privateFolder.resolve("es-bases"));
        Path gone = folderOwnedBy(baseRoot.resolve("gone-checkout"), privateFolder.resolve("deleted-clone/.stack"));
        Path live = folderOwnedBy(baseRoot.resolve("live-checkout"), stackDir);
        Path foreign = Files.createDirectories(baseRoot.resolve("not-ours/data"));
        Map<String, String> pruning = new java.util.HashMap<>(environment);
        pruning.put("FLOWLENS_ES_BASE_ROOT", baseRoot.toString());

        SystemUnderTest.stack(SystemUnderTest.get().root(), "prune", pruning);

        assertThat("the folder of the deleted checkout is gone", Files.exists(gone), is(false));
        assertThat("the folder of a checkout that exists stays", Files.isDirectory(live.resolve("data")), is(true));
        assertThat("a folder without an owner is not ours to remove", Files.isDirectory(foreign), is(true));
    }

    /** A relocated Elasticsearch folder with some data, naming {@code stackFolder} as its owner. */
    private static Path folderOwnedBy(Path folder, Path stackFolder) throws IOException {
        Files.createDirectories(folder.resolve("data"));
        Files.writeString(folder.resolve("data/segment"), "indexed spans");
        Files.writeString(folder.resolve(".stack-dir"), stackFolder + "\n");
        return folder;
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
