package dev.batchnorm.store;

import io.lettuce.core.cluster.SlotHash;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Group commit for one script: calls that arrive while an earlier call is in flight wait in a
 * queue, and the next send carries all of them as one call of the script's batch form. A lone call
 * goes out at once as the plain script: no timer, no added wait. Under concurrency, many forwards
 * then share one round trip, one reply and one script invocation in Redis, while each still runs
 * as its own atomic step, in the order the calls were queued.
 *
 * <p>The batch form takes {@code keysPerCall} keys per call, and as arguments the number of calls
 * followed, per call, by the count of its arguments and the arguments; it answers a list of the
 * plain script's replies, in order. A call whose script raised an error answers {@code {-100,
 * message}} there. On a cluster only calls of one slot share a send.
 */
final class ScriptBatcher {

    /** At most this many calls in one send. */
    static final int MAX_CALLS = 64;
    /** Argument bytes after which a send takes no further call (a lone larger call still goes). */
    static final int MAX_BYTES = 1 << 20;
    /** The code of a reply for a call whose script raised an error. */
    static final long ERROR = -100;

    private record Call(byte[][] keys, byte[][] args, CompletableFuture<List<Object>> reply) {}

    private final LettuceScripts scripts;
    private final RedisScript<?> one;
    private final RedisScript<?> many;
    private final int keysPerCall;
    private final boolean clustered;
    private final Lane standalone = new Lane();
    private final Map<Integer, Lane> slots = new ConcurrentHashMap<>();

    ScriptBatcher(LettuceScripts scripts, RedisScript<?> one, RedisScript<?> many, int keysPerCall) {
        this.scripts = scripts;
        this.one = one;
        this.many = many;
        this.keysPerCall = keysPerCall;
        this.clustered = scripts.clustered();
    }

    /** Runs the plain script on these keys and arguments, possibly together with other calls. */
    List<Object> run(byte[][] keys, byte[][] args) {
        if (keys.length != keysPerCall) {
            throw new IllegalArgumentException("expected " + keysPerCall + " keys, got " + keys.length);
        }
        Call call = new Call(keys, args, new CompletableFuture<>());
        Lane lane = clustered ? slots.computeIfAbsent(SlotHash.getSlot(keys[0]), slot -> new Lane()) : standalone;
        lane.queue.add(call);
        lane.pump();
        return scripts.await(call.reply);
    }

    /** The calls that may share a send, and whether a send of theirs is in flight. */
    private final class Lane {

        final ConcurrentLinkedQueue<Call> queue = new ConcurrentLinkedQueue<>();
        final AtomicBoolean sending = new AtomicBoolean();

        /**
         * Sends what is queued unless a send is in flight; the send's completion pumps again. Whoever
         * releases {@code sending} looks at the queue once more, so no call is left behind.
         */
        void pump() {
            while (!queue.isEmpty() && sending.compareAndSet(false, true)) {
                List<Call> batch = take();
                if (batch.isEmpty()) {
                    sending.set(false);
                    continue;
                }
                CompletableFuture<List<Object>> sent;
                try {
                    sent = send(batch);
                } catch (RuntimeException e) {
                    sent = CompletableFuture.failedFuture(e);
                }
                sent.whenComplete((reply, failure) -> {
                    RuntimeException error = failure == null ? null : scripts.failure(failure);
                    if (error instanceof StoreUnavailableException) {
                        // what waits now would meet the same outage: answer it at once, within its timeout
                        for (Call queued; (queued = queue.poll()) != null; ) {
                            queued.reply.completeExceptionally(error);
                        }
                    }
                    sending.set(false);
                    // the next send goes out (from the event loop) before the waiting callers wake up
                    pump();
                    deliver(batch, reply, error);
                });
                return;
            }
        }

        private List<Call> take() {
            List<Call> batch = new ArrayList<>();
            long bytes = 0;
            for (Call call; batch.size() < MAX_CALLS && bytes < MAX_BYTES && (call = queue.poll()) != null; ) {
                if (call.reply.isDone()) {
                    continue; // its caller gave up (timed out or interrupted): never send it
                }
                batch.add(call);
                for (byte[] a : call.args) {
                    bytes += a.length;
                }
            }
            return batch;
        }
    }

    private CompletableFuture<List<Object>> send(List<Call> batch) {
        if (batch.size() == 1) {
            Call call = batch.getFirst();
            return scripts.runAsync(one, call.keys, call.args);
        }
        int argCount = 1;
        for (Call call : batch) {
            argCount += 1 + call.args.length;
        }
        byte[][] keys = new byte[batch.size() * keysPerCall][];
        byte[][] args = new byte[argCount][];
        args[0] = ascii(batch.size());
        int k = 0;
        int a = 1;
        for (Call call : batch) {
            System.arraycopy(call.keys, 0, keys, k, keysPerCall);
            k += keysPerCall;
            args[a++] = ascii(call.args.length);
            System.arraycopy(call.args, 0, args, a, call.args.length);
            a += call.args.length;
        }
        return scripts.runAsync(many, keys, args);
    }

    @SuppressWarnings("unchecked")
    private void deliver(List<Call> batch, List<Object> reply, RuntimeException error) {
        if (error != null) {
            for (Call call : batch) {
                call.reply.completeExceptionally(error);
            }
        } else if (batch.size() == 1) {
            batch.getFirst().reply.complete(reply);
        } else {
            for (int i = 0; i < batch.size(); i++) {
                List<Object> r = (List<Object>) reply.get(i);
                if (!r.isEmpty() && r.getFirst() instanceof Long code && code == ERROR) {
                    String message = new String((byte[]) r.get(1), StandardCharsets.UTF_8);
                    batch.get(i).reply.completeExceptionally(scripts.failure(new io.lettuce.core.RedisCommandExecutionException(message)));
                } else {
                    batch.get(i).reply.complete(r);
                }
            }
        }
    }

    private static byte[] ascii(int n) {
        return Integer.toString(n).getBytes(StandardCharsets.US_ASCII);
    }
}
