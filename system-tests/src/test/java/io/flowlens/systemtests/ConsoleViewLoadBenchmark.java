package io.flowlens.systemtests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import static org.awaitility.Awaitility.await;

/**
 * {@code bin/bench.py console}: how long the console's heaviest views take to show in a real browser. Bulk-loads
 * 10 000 fixture spans (100 traces of 100 spans, the last hour) into a fresh index prefix, starts the console jar on
 * it, and loads each view LOADS times in headless Chromium driven over the DevTools protocol in real time (the
 * {@code --dump-dom} runs of ConsoleIT use virtual time, which stops while fetches are pending and so cannot time
 * them). The time is the page's own: {@code performance.now()} (from navigation start) when the view's data is
 * fetched and drawn, which console.js writes to {@code body[data-load-ms]}. Prints one JSON line per view.
 *
 * <pre>java ... ConsoleViewLoadBenchmark ROOT ES_URL JAEGER_QUERY_URL LOADS</pre>
 */
public final class ConsoleViewLoadBenchmark {

    static final int TRACES = 100;
    static final int SPANS_PER_TRACE = 100;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final String[] SERVICES = {"orchestrator", "users", "orders", "payments"};

    private ConsoleViewLoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath().normalize();
        String elasticsearch = args[1];
        String jaeger = args[2];
        int loads = Integer.parseInt(args[3]);
        String prefix = "bench-console-" + UUID.randomUUID().toString().substring(0, 8);
        Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<FixtureSpan> spans = fixture(end);
        try (FixtureIndex index = new FixtureIndex(elasticsearch)) {
            index.reset(prefix);
            index.index(prefix, spans);
            try (ConsoleProcess console = ConsoleProcess.start(root, elasticsearch, jaeger, prefix, Map.of(),
                    root.resolve("system-tests/target/bench-console.log"));
                 Browser browser = Browser.start(root)) {
                String base = console.url();
                String trace = spans.get(0).traceId();
                measure(browser, "trace view, " + SPANS_PER_TRACE + " spans", base + "/traces/" + trace, loads,
                        "document.getElementById('span-count') && document.getElementById('span-count').textContent");
                measure(browser, "dashboard, " + spans.size() + " spans",
                        base + "/dashboard?window=1h&until=" + end.plusSeconds(1).toString().replace(":", "%3A"), loads,
                        "document.getElementById('latency') && document.querySelectorAll('#latency tbody tr').length");
            } finally {
                index.reset(prefix);
            }
        }
    }

    /** One view: a warm-up load, then {@code loads} timed ones; what {@code check} says the page showed, once. */
    private static void measure(Browser browser, String view, String url, int loads, String check) throws Exception {
        browser.load(url);
        List<Double> times = new ArrayList<>();
        String shown = "";
        for (int i = 0; i < loads; i++) {
            times.add(browser.load(url));
            shown = browser.evaluate(check);
        }
        List<Double> sorted = times.stream().sorted().toList();
        double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        Map<String, Object> line = new HashMap<>();
        line.put("view", view);
        line.put("url", url);
        line.put("load_ms", times);
        line.put("median_ms", median);
        line.put("shown", shown);
        System.out.println(JSON.writeValueAsString(line));
    }

    /** 100 traces of 100 spans: an entry span, 33 calls each with a server span and a database span. */
    static List<FixtureSpan> fixture(Instant end) {
        List<FixtureSpan> spans = new ArrayList<>();
        for (int t = 0; t < TRACES; t++) {
            Instant start = end.minus(Duration.ofSeconds(30L * (t + 1)));
            String traceId = String.format(Locale.ROOT, "%032x", 0xC0FFEE000L + t);
            String entry = String.format(Locale.ROOT, "%016x", (long) t << 16);
            spans.add(FixtureSpan.of(start, traceId, entry, null, "orchestrator", "GET /demo/full-flow/{userId}", "SERVER")
                    .withDuration(400).withHttp("GET", 200));
            for (int c = 0; c < (SPANS_PER_TRACE - 1) / 3; c++) {
                String service = SERVICES[1 + c % 3];
                Instant at = start.plusMillis(10L * c + 1);
                String client = String.format(Locale.ROOT, "%016x", ((long) t << 16) + 3L * c + 1);
                String server = String.format(Locale.ROOT, "%016x", ((long) t << 16) + 3L * c + 2);
                String db = String.format(Locale.ROOT, "%016x", ((long) t << 16) + 3L * c + 3);
                boolean error = (t + c) % 17 == 0;
                spans.add(FixtureSpan.of(at, traceId, client, entry, "orchestrator", "POST", "CLIENT").withDuration(9)
                        .withHttp("POST", error ? 500 : 200).withError(error));
                spans.add(FixtureSpan.of(at.plusMillis(1), traceId, server, client, service, "POST /" + service, "SERVER")
                        .withDuration(7).withHttp("POST", error ? 500 : 200).withError(error));
                spans.add(FixtureSpan.of(at.plusMillis(2), traceId, db, server, service, "INSERT " + service, "CLIENT")
                        .withDuration(3).withDb("h2"));
            }
        }
        return spans;
    }

    /** Headless Chromium in real time, one page, driven over the DevTools protocol (JDK WebSocket, no extra library). */
    static final class Browser implements AutoCloseable {

        private final Process process;
        private final Path profile;
        private final WebSocket socket;
        private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        private int nextId;

        private Browser(Process process, Path profile, WebSocket socket) {
            this.process = process;
            this.profile = profile;
            this.socket = socket;
        }

        static Browser start(Path root) throws Exception {
            Path profile = Files.createTempDirectory("bench-chromium");
            Process process = new ProcessBuilder(HeadlessChromium.CHROMIUM.toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--user-data-dir=" + profile, "--remote-debugging-port=0",
                    "--window-size=1280,900", "about:blank").redirectErrorStream(true).start();
            BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            String browserUrl = null;
            for (String line = output.readLine(); line != null && browserUrl == null; line = output.readLine()) {
                Matcher match = DEVTOOLS.matcher(line);
                if (match.find()) {
                    browserUrl = match.group(1);
                }
            }
            if (browserUrl == null) {
                throw new IllegalStateException("Chromium printed no DevTools address");
            }
            Thread.ofVirtual().start(() -> output.lines().forEach(line -> { })); // keep its pipe drained
            URI devtools = URI.create(browserUrl);
            JsonNode targets = JSON.readTree(HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://" + devtools.getAuthority() + "/json/list")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            String page = null;
            for (JsonNode target : targets) {
                if (target.path("type").asText().equals("page")) {
                    page = target.path("webSocketDebuggerUrl").asText();
                }
            }
            Browser[] browser = new Browser[1];
            StringBuilder text = new StringBuilder();
            WebSocket socket = HTTP.newWebSocketBuilder().buildAsync(URI.create(page), new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                        browser[0].answer(text.toString());
                        text.setLength(0);
                    }
                    webSocket.request(1);
                    return null;
                }
            }).get(10, TimeUnit.SECONDS);
            browser[0] = new Browser(process, profile, socket);
            return browser[0];
        }

        private void answer(String message) {
            try {
                JsonNode json = JSON.readTree(message);
                CompletableFuture<JsonNode> waiting = json.has("id") ? pending.remove(json.get("id").asInt()) : null;
                if (waiting != null) {
                    waiting.complete(json);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private synchronized JsonNode call(String method, Map<String, Object> params) throws Exception {
            int id = ++nextId;
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            pending.put(id, answer);
            socket.sendText(JSON.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true)
                    .get(10, TimeUnit.SECONDS);
            return answer.get(30, TimeUnit.SECONDS);
        }

        String evaluate(String expression) throws Exception {
            return call("Runtime.evaluate", Map.of("expression", "String(" + expression + ")", "returnByValue", true))
                    .path("result").path("result").path("value").asText();
        }

        /** Opens {@code url} fresh (from about:blank) and answers the page's own time to draw its view, in ms. */
        double load(String url) throws Exception {
            call("Page.navigate", Map.of("url", "about:blank"));
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> evaluate("location.href").equals("about:blank"));
            call("Page.navigate", Map.of("url", url));
            String expression = "location.href === " + JSON.writeValueAsString(url)
                    + " && document.body && document.body.dataset.loadMs || ''";
            String loadMs = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> evaluate(expression), value -> !value.isEmpty() && !value.equals("false"));
            return Double.parseDouble(loadMs);
        }

        @Override
        public void close() throws IOException {
            socket.abort();
            process.destroy();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try (var files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
