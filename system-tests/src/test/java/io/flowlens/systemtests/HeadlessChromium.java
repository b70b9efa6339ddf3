package io.flowlens.systemtests;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * Debian's headless Chromium (installed by bin/stack.sh install) as the browser tests' real browser: a page's DOM
 * after its scripts ran ({@code --dump-dom}, with virtual time so fetches finish) and screenshots.
 */
final class HeadlessChromium {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private HeadlessChromium() {
    }

    /** Before the stack starts, so a missing browser fails in a second, not after the whole system came up. */
    static void assertInstalled() {
        assertThat("headless Chromium is missing at " + CHROMIUM + ": install Debian's chromium package "
                + "(bin/stack.sh install, or apt-get install chromium)", Files.isExecutable(CHROMIUM), is(true));
    }

    /** Runs headless Chromium with a fresh profile and answers what it printed; its stderr goes to {@code log}. */
    static String run(Path log, String... arguments) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("flowlens-chromium-");
        Path stdout = Files.createTempFile("flowlens-chromium-", ".out");
        try {
            // no network beyond the page: no first-run, sync, component or QUIC traffic from the browser itself
            List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                    "--virtual-time-budget=10000"));
            command.addAll(List.of(arguments));
            Process process = new ProcessBuilder(command)
                    .redirectOutput(stdout.toFile())
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("chromium did not finish in 90 s: " + command + " (stderr: " + log + ")");
            }
            assertThat("chromium " + String.join(" ", arguments) + " exit code (stderr: " + log + ")",
                    process.exitValue(), is(0));
            return Files.readString(stdout, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(stdout);
            try (Stream<Path> files = Files.walk(profile)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /**
     * Loads {@code url} once and answers its DOM after the scripts ran, writing a {@code width} x {@code height}
     * screenshot to {@code screenshot} from the same page load (headless Chromium runs every command it is given; a
     * browser start is ~1 s here).
     */
    static String domAndScreenshot(Path log, String url, Path screenshot, int width, int height)
            throws IOException, InterruptedException {
        Files.deleteIfExists(screenshot);
        return run(log, "--window-size=" + width + "," + height, "--dump-dom", "--screenshot=" + screenshot, url);
    }

    /** Width and height from the PNG header (IHDR). */
    static List<Integer> pngSize(Path png) throws IOException {
        try (InputStream in = Files.newInputStream(png)) {
            ByteBuffer buffer = ByteBuffer.wrap(in.readNBytes(24));
            return List.of(buffer.getInt(16), buffer.getInt(20));
        }
    }
}
