package io.flowlens.systemtests;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The requests a test makes in bulk (hundreds of flows, or reads of what they left behind), a few at a time: one
 * after the other they were tens of seconds of a test while a core sat idle (OutageIT's ~600 flows, two reads each:
 * ~26 s, then ~4 s).
 */
final class Parallel {

    /** Both cores busy, none of the services flooded. */
    static final int THREADS = 4;

    private Parallel() {
    }

    /** {@code work} of every item, {@link #THREADS} at a time, results in the items' order; the first failure is thrown. */
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
