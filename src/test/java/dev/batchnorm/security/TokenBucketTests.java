package dev.batchnorm.security;

import static org.assertj.core.api.Assertions.assertThat;

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
    void unlimited_ShouldNeverRefuse() {
        for (int i = 0; i < 10_000; i++) {
            assertThat(TokenBucket.unlimited().tryTake(0)).isZero();
        }
    }
}
