package dev.batchnorm.api;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** What the concurrency tests share: running clients at once, and the expected result of n identical updates. */
final class Concurrent {

    /** Mean [2, 2] and variance [0, 0]: every update is the same function f, so n updates give f^n in any order. */
    static final String CONSTANT = "{\"inputs\": [[2, 2], [2, 2]], \"isTraining\": true}";

    private Concurrent() {}

    /** Moving mean and variance (channel values) after n updates with {@link #CONSTANT}, in float32 as TensorFlow does. */
    static float[] afterUpdates(int n) {
        float mm = 0;
        float mv = 1;
        for (int i = 0; i < n; i++) {
            mm = mm - (mm - 2f) * 0.001f;
            mv = mv - (mv - 0f) * 0.001f;
        }
        return new float[] {mm, mv};
    }

    /** Runs {@code task} on {@code clients} threads at once and returns their results in order. */
    static <T> List<T> run(int clients, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                futures.add(pool.submit(task));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdown();
        }
    }
}
