package io.flowlens.systemtests;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import io.flowlens.exporter.elasticsearch.ElasticsearchConnection;
import io.flowlens.exporter.elasticsearch.ElasticsearchExportStats;
import io.flowlens.exporter.elasticsearch.ElasticsearchSpanExporter;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * {@code make bench}, item 3: spans per second into the same Elasticsearch, through the running span indexer (OTLP in,
 * as Jaeger's fan-out sends them), through our exporter in process, through Jaeger's own Elasticsearch writer (OTLP
 * into Jaeger), and our exporter with fixed document ids, alternating, same realistic spans (full-flow shaped traces
 * of 25 spans with the services' attributes). The clock stops when all spans are searchable ({@code _count}), the
 * same way for all. Prints one JSON line per run; bin/bench.py tabulates them.
 *
 * <pre>java [-Dbench.indexer.only=true] [-Dbench.indexer.indices=PATTERN] ... SpanIngestBenchmark ES_URL OTLP_HTTP_URL
 *     SPANS REPS [SPAN_INDEXER_URL]</pre>
 */
public final class SpanIngestBenchmark {

    private static final int BATCH = 512; // the batch span processor's default export size
    /** Calls per generated trace, each a client, a business and a database span under the root. */
    private static final int STEPS = 8;
    private static final int SPANS_PER_TRACE = 1 + 3 * STEPS;
    /** Concurrent OTLP senders to the indexer: Jaeger's {@code num_consumers} for it. */
    private static final int SENDERS = 2;
    /**
     * Where the indexer under test writes: its {@code index-prefix} plus {@code -*} (another prefix lets two indexers
     * with different index templates be compared side by side on one Elasticsearch).
     */
    private static final String INDEXER_INDICES = System.getProperty("bench.indexer.indices", "flowlens-spans-*");
    /** Only the span indexer, no in-process exporter or Jaeger runs (for comparing indexer settings). */
    private static final boolean INDEXER_ONLY = Boolean.getBoolean("bench.indexer.only");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String elasticsearch;
    private final String otlp;
    private final int spans;
    private final String indexer;

    private SpanIngestBenchmark(String elasticsearch, String otlp, int spans, String indexer) {
        this.elasticsearch = elasticsearch;
        this.otlp = otlp;
        this.spans = spans;
        this.indexer = indexer;
    }

    public static void main(String[] args) throws Exception {
        SpanIngestBenchmark bench = new SpanIngestBenchmark(args[0], args[1], Integer.parseInt(args[2]),
                args.length > 4 ? args[4] : null);
        int reps = Integer.parseInt(args[3]);
        if (!INDEXER_ONLY) {
            bench.flowlens(List.of(generate(2_000, "bench-warmup")), "warmup", false);
        }
        for (int rep = 1; rep <= reps; rep++) {
            if (bench.indexer != null) {
                bench.indexer(batches(generate(bench.spans, "bench-indexer-" + UUID.randomUUID())), "rep " + rep);
            }
            if (INDEXER_ONLY) {
                continue;
            }
            bench.flowlens(batches(generate(bench.spans, "bench-flowlens-" + rep)), "rep " + rep, false);
            bench.flowlens(batches(generate(bench.spans, "bench-flowlens-ids-" + rep)), "rep " + rep, true);
            bench.jaeger(batches(generate(bench.spans, "bench-jaeger-" + UUID.randomUUID())), "rep " + rep);
        }
    }

    private void flowlens(List<List<SpanData>> batches, String label, boolean spanIds) throws Exception {
        String prefix = "bench-spans-" + UUID.randomUUID().toString().substring(0, 8);
        ElasticsearchExportStats stats = new ElasticsearchExportStats();
        // defaults of the services' configuration, except a queue that holds the whole burst: the question is how
        // fast the writer empties it, not how much a smaller queue drops
        ElasticsearchSpanExporter exporter = new ElasticsearchSpanExporter(
                ElasticsearchConnection.unsecured(URI.create(elasticsearch)), prefix,
                new ElasticsearchSpanExporter.Settings(total(batches), 1_000, 5L << 20, Duration.ofMillis(250), 2, 10,
                        Duration.ofMinutes(1), spanIds), stats);
        long start = System.nanoTime();
        batches.forEach(exporter::export);
        long reached = awaitCount(() -> count(prefix + "-*", "*"), total(batches));
        long nanos = System.nanoTime() - start;
        exporter.shutdown().join(30, TimeUnit.SECONDS);
        report(spanIds ? "flowlens exporter, span ids" : "flowlens exporter", label, total(batches), reached, nanos, stats.dropped() + stats.failed());
        for (String index : indices(prefix + "-*")) {
            HTTP.send(HttpRequest.newBuilder(URI.create(elasticsearch + "/" + index)).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        }
    }

    private void jaeger(List<List<SpanData>> batches, String label) throws Exception {
        String service = batches.get(0).get(0).getResource().getAttributes()
                .get(AttributeKey.stringKey("service.name"));
        SpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(otlp + "/v1/traces").build();
        long start = System.nanoTime();
        long refused = 0;
        for (List<SpanData> batch : batches) {
            if (!exporter.export(batch).join(30, TimeUnit.SECONDS).isSuccess()) {
                refused += batch.size();
            }
        }
        long reached = awaitCount(() -> count("jaeger-span-*", "process.serviceName:\"" + service + "\""),
                total(batches));
        long nanos = System.nanoTime() - start;
        exporter.shutdown();
        report("jaeger writer", label, total(batches), reached, nanos, refused + total(batches) - reached);
    }

    /**
     * The span indexer as Jaeger's fan-out feeds it: OTLP/HTTP batches from {@value #SENDERS} senders at once (the
     * {@code otlphttp/indexer} exporter's {@code num_consumers} in stack/jaeger-elasticsearch.yaml), each waiting for its
     * answer before its next batch; a refused batch (the indexer's queue is full, it answers 503 so the sender keeps the
     * batch) is sent again after a pause, as Jaeger's retrying sender does. The spans land in the indexer's own
     * {@code flowlens-spans-*} indices; lost are the spans given up on plus those that never became searchable.
     */
    private void indexer(List<List<SpanData>> batches, String label) throws Exception {
        String service = batches.get(0).get(0).getResource().getAttributes()
                .get(AttributeKey.stringKey("service.name"));
        SpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(indexer + "/v1/traces").build();
        AtomicInteger next = new AtomicInteger();
        LongAdder resent = new LongAdder();
        LongAdder givenUp = new LongAdder();
        Runnable sender = () -> {
            for (int i = next.getAndIncrement(); i < batches.size(); i = next.getAndIncrement()) {
                List<SpanData> batch = batches.get(i);
                int refusals = 0;
                while (!exporter.export(batch).join(30, TimeUnit.SECONDS).isSuccess()) {
                    if (++refusals == 600) { // a minute of refusals: the indexer is down, and the spans count as lost
                        givenUp.add(batch.size());
                        break;
                    }
                    resent.add(batch.size());
                    ServiceProcesses.sleep(100);
                }
            }
        };
        long start = System.nanoTime();
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            senders.add(Thread.ofPlatform().name("bench-sender-" + i).start(sender));
        }
        for (Thread thread : senders) {
            thread.join();
        }
        String query = "service:\"" + service + "\"";
        long reached = awaitCount(() -> count(INDEXER_INDICES, query), total(batches));
        long nanos = System.nanoTime() - start;
        exporter.shutdown();
        report("span indexer", label, total(batches), reached, nanos, total(batches) - reached);
        System.err.printf("span indexer %s: %d spans sent again after a refusal, %d given up%n", label, resent.sum(),
                givenUp.sum());
    }

    /** Polls until the count reaches the target or stops growing for 10 s; answers the last count. */
    private static long awaitCount(LongSupplier counter, long target) {
        long count = 0;
        long lastGrowth = System.nanoTime();
        while (count < target && System.nanoTime() - lastGrowth < TimeUnit.SECONDS.toNanos(10)) {
            long now = counter.getAsLong();
            if (now > count) {
                lastGrowth = System.nanoTime();
                count = now;
            }
            if (count < target) {
                ServiceProcesses.sleep(100);
            }
        }
        return count;
    }

    /** No forced refresh: refreshing every poll would itself slow indexing down; both indices refresh each second. */
    private long count(String indices, String query) {
        try {
            String body = "{\"query\":{\"query_string\":{\"query\":" + quote(query) + "}}}";
            String answer = HTTP.send(HttpRequest.newBuilder(
                            URI.create(elasticsearch + "/" + indices + "/_count?allow_no_indices=true"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return Long.parseLong(answer.replaceAll(".*\"count\":(\\d+).*", "$1"));
        } catch (Exception e) {
            return 0;
        }
    }

    private List<String> indices(String pattern) throws Exception {
        String answer = HTTP.send(HttpRequest.newBuilder(URI.create(elasticsearch + "/_cat/indices/" + pattern + "?h=index"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        return answer.lines().map(String::trim).filter(line -> !line.isEmpty()).toList();
    }

    private static void report(String writer, String label, long sent, long indexed, long nanos, long lost) {
        System.out.printf("{\"writer\":\"%s\",\"run\":\"%s\",\"spans\":%d,\"indexed\":%d,\"seconds\":%.3f,"
                        + "\"spans_per_second\":%.0f,\"lost\":%d}%n", writer, label, sent, indexed, nanos / 1e9,
                indexed / (nanos / 1e9), lost);
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static int total(List<List<SpanData>> batches) {
        return batches.stream().mapToInt(List::size).sum();
    }

    private static List<List<SpanData>> batches(List<SpanData> spans) {
        List<List<SpanData>> batches = new ArrayList<>();
        for (int i = 0; i < spans.size(); i += BATCH) {
            batches.add(spans.subList(i, Math.min(spans.size(), i + BATCH)));
        }
        return batches;
    }

    /**
     * Full-flow shaped traces: {@value #SPANS_PER_TRACE} spans each (server, client, business and database spans, some
     * errors).
     */
    static List<SpanData> generate(int count, String service) {
        InMemorySpanExporter recorded = InMemorySpanExporter.create();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service,
                        AttributeKey.stringKey("telemetry.sdk.language"), "java")))
                .addSpanProcessor(SimpleSpanProcessor.create(recorded)).build();
        Tracer tracer = provider.get("io.helidon.microprofile.telemetry");
        // counting traces, not the exporter's list: getFinishedSpanItems() copies the whole list, and asking it per
        // trace made this quadratic
        for (int trace = 0; trace * SPANS_PER_TRACE < count; trace++) {
            Span root = tracer.spanBuilder("GET /demo/full-flow/{userId}").setSpanKind(SpanKind.SERVER)
                    .setAttribute("http.request.method", "GET").setAttribute("url.path", "/demo/full-flow/1")
                    .setAttribute("http.route", "/demo/full-flow/{userId}").setAttribute("http.response.status_code", 200L)
                    .setAttribute("flowlens.user.id", 1L).startSpan();
            Context parent = Context.current().with(root);
            for (int step = 0; step < STEPS; step++) {
                Span client = tracer.spanBuilder("POST").setParent(parent).setSpanKind(SpanKind.CLIENT)
                        .setAttribute("http.request.method", "POST").setAttribute("server.address", "127.0.0.1")
                        .setAttribute("http.response.status_code", 201L).startSpan();
                Span business = tracer.spanBuilder("orders.create").setParent(parent.with(client))
                        .setAttribute("flowlens.order.id", (long) trace).setAttribute("flowlens.amount", 19.99)
                        .setAttribute("flowlens.currency", "EUR").startSpan();
                tracer.spanBuilder("INSERT orders").setParent(parent.with(business)).setSpanKind(SpanKind.CLIENT)
                        .setAttribute("db.system", "h2").setAttribute("db.operation.name", "INSERT")
                        .setAttribute("db.collection.name", "orders").startSpan().end();
                if (trace % 10 == 0 && step == STEPS - 1) {
                    business.recordException(new IllegalStateException("payment declined: LIMIT_EXCEEDED"));
                    business.setStatus(StatusCode.ERROR);
                }
                business.end();
                client.end();
            }
            root.end();
        }
        List<SpanData> spans = List.copyOf(recorded.getFinishedSpanItems().subList(0, count));
        provider.close();
        return spans;
    }
}
