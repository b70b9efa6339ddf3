package io.flowlens.systemtests;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The reads a test makes in bulk (what hundreds of flows left behind: their orders, payments and traces), a few at a
 * time. One after the other they were tens of seconds of a test: OutageIT's ~600 flows after its storage outage, two
 * reads each, took ~26 s through RestAssured and take ~4 s here. Only for reads: flows sent at once would shape their
 * traces differently on a loaded box (timeouts, retries), which tests such as SamplingIT compare span for span.
 */
final class Parallel {

    /** Both cores busy, none of the services flooded. */
    static final int THREADS = 4;

    private Parallel() {
    }

    /** {@code work} of every item, {@link #THREADS} at a time: the results in order, or the first failure. */
    static <T, R> List<R> map(List<T> items, Function<T, R> work) {
        try (ExecutorService threads = Executors.newFixedThreadPool(THREADS)) {
            List<CompletableFuture<R>> results = items.stream()
                    .map(item -> CompletableFuture.supplyAsync(() -> work.apply(item), threads)).toList();
            List<R> done = new ArrayList<>(results.size());
            for (CompletableFuture<R> result : results) {
                try {
                    done.add(result.join());
                } catch (CompletionException e) {
                    if (e.getCause() instanceof AssertionError failed) {
                        throw failed;
                    }
                    if (e.getCause() instanceof RuntimeException unchecked) {
                        throw unchecked;
                    }
                    throw new AssertionError(e.getCause());
                }
            }
            return done;
        }
    }
}
