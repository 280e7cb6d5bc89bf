package dev.batchnorm.api;

import dev.batchnorm.session.ForwardReceipt;
import dev.batchnorm.session.ForwardService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * The service's own meters. Tags are bounded (mode, statistics, update handling): never a session
 * id or anything else a client chooses.
 */
@Component
class ServiceMetrics {

    /** One timer per mode of the API's table: inference (moving, batch), training (defer, apply). */
    private final Timer[] forwardTimers;
    private final DistributionSummary elements;
    private final Counter applied;

    ServiceMetrics(MeterRegistry registry) {
        forwardTimers = new Timer[] {
            forwardTimer(registry, "inference", "moving", "none"),
            forwardTimer(registry, "inference", "batch", "none"),
            forwardTimer(registry, "training", "batch", "defer"),
            forwardTimer(registry, "training", "batch", "apply"),
        };
        elements = DistributionSummary.builder("batchnorm.forward.elements")
                .description("Elements per forward batch").baseUnit("elements").register(registry);
        applied = Counter.builder("batchnorm.updates.applied")
                .description("Update ops applied to moving averages (in place, with applyUpdates, or through /updates/apply)").register(registry);
    }

    void forward(ForwardService.Flags flags, ForwardReceipt receipt, int size, long nanos) {
        int i = flags.isTraining() ? (receipt.updatesApplied() ? 3 : 2) : (flags.usesBatchStats() ? 1 : 0);
        forwardTimers[i].record(nanos, TimeUnit.NANOSECONDS);
        elements.record(size);
        if (receipt.updatesApplied()) {
            applied.increment(2);
        }
    }

    private static Timer forwardTimer(MeterRegistry registry, String mode, String stats, String updates) {
        return Timer.builder("batchnorm.forward")
                .description("Forward passes, from request to response body")
                .tags("mode", mode, "stats", stats, "updates", updates)
                .register(registry);
    }

    void applied(int count) {
        if (count > 0) {
            applied.increment(count);
        }
    }
}
