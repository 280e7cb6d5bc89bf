package dev.batchnorm.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchnorm.norm.DType;
import dev.batchnorm.session.SessionSpec;
import dev.batchnorm.session.SessionState;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemorySessionStoreTests extends SessionStoreContractTests {

    @Override
    protected SessionStore newStore() {
        return new InMemorySessionStore(clock);
    }

    @Test
    void sweepExpired_ShouldRemoveIdleSessionsAndCountThem() {
        SessionSpec spec = new SessionSpec("t", null, true, false, 0.999, 1e-3, "update_ops", Map.of(), DType.FLOAT32, 5L);
        store.createIfAbsent(SessionState.create(spec, clock.instant()), 10);
        create("forever", "update_ops");
        clock.advance(Duration.ofSeconds(6));
        assertThat(((InMemorySessionStore) store).sweepExpired()).isEqualTo(1);
        assertThat(store.sessionCount()).isEqualTo(1);
    }
}
