package dev.batchnorm.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TokenBucketTests {

    static final long SECOND = 1_000_000_000L;

    @Test
    void tryTake_ShouldAllowTheBurstThenTheRate() {
        TokenBucket bucket = new TokenBucket(2, 3);
        long t = 5 * SECOND;
        assertThat(bucket.tryTake(t)).isZero();
        assertThat(bucket.tryTake(t)).isZero();
        assertThat(bucket.tryTake(t)).isZero();
        assertThat(bucket.tryTake(t)).as("half a second to the next token").isEqualTo(SECOND / 2);
        assertThat(bucket.tryTake(t + SECOND / 4)).isEqualTo(SECOND / 4);
        assertThat(bucket.tryTake(t + SECOND / 2)).isZero();
        assertThat(bucket.tryTake(t + SECOND / 2)).isPositive();
    }

    @Test
    void tryTake_LongIdle_ShouldRefillToTheBurstOnly() {
        TokenBucket bucket = new TokenBucket(10, 2);
        assertThat(bucket.tryTake(0)).isZero();
        long later = 3600 * SECOND;
        assertThat(bucket.tryTake(later)).isZero();
        assertThat(bucket.tryTake(later)).isZero();
        assertThat(bucket.tryTake(later)).isPositive();
    }

    @Test
    void unlimited_ShouldTakeNoLock() throws Exception {
        // every tenant without a rate shares this bucket: a lock on it would serialize all API requests
        TokenBucket bucket = TokenBucket.unlimited();
        try (ExecutorService other = Executors.newSingleThreadExecutor()) {
            synchronized (bucket) { // held here, so a tryTake that locks the bucket cannot return
                Future<Long> taken = other.submit(() -> bucket.tryTake(0));
                assertThat(taken.get(10, TimeUnit.SECONDS)).isZero();
            }
        }
    }

    @Test
    void limited_ShouldKeepCountUnderContention() throws Exception {
        // 8 threads on one bucket of 1000 tokens that never refills: exactly 1000 are taken
        TokenBucket bucket = new TokenBucket(1e-9, 1000);
        AtomicInteger taken = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        if (bucket.tryTake(0) == 0) {
                            taken.incrementAndGet();
                        }
                    }
                });
            }
        }
        assertThat(taken.get()).isEqualTo(1000);
    }

    @Test
    void unlimited_ShouldNeverRefuse() {
        for (int i = 0; i < 10_000; i++) {
            assertThat(TokenBucket.unlimited().tryTake(0)).isZero();
        }
    }
}
