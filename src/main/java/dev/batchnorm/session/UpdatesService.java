package dev.batchnorm.session;

import dev.batchnorm.norm.DType;
import dev.batchnorm.store.SessionStore;
import java.util.ArrayList;
import java.util.List;

/** Lists, applies and discards pending update ops, per session and across a collection. */
public final class UpdatesService {

    /** One session's result of a collection-wide apply. */
    public record SessionApply(String sessionId, ApplyReceipt receipt) {}

    /** A pending op with the session it belongs to. */
    public record CollectionOp(String sessionId, DType dtype, PendingOp op) {}

    private final SessionStore store;

    public UpdatesService(SessionStore store) {
        this.store = store;
    }

    public List<PendingOp> pending(String id, long afterId, int limit) {
        return store.pendingOps(id, afterId, limit);
    }

    public ApplyReceipt apply(String id, OpSelector selector) {
        return store.apply(id, selector);
    }

    public DiscardReceipt discard(String id, OpSelector selector) {
        return store.discard(id, selector);
    }

    /**
     * Pending ops across every session in a collection, ordered by session id then op id,
     * starting after ({@code afterSession}, {@code afterOp}).
     */
    public List<CollectionOp> pendingInCollection(String collection, String afterSession, long afterOp, int limit) {
        List<CollectionOp> out = new ArrayList<>();
        String cursor = afterSession;
        long opCursor = afterOp;
        if (afterSession != null) {
            collectFrom(afterSession, opCursor, limit, out);
        }
        while (out.size() < limit) {
            List<String> ids = store.sessionsWithPendingOps(collection, cursor, 64);
            if (ids.isEmpty()) {
                break;
            }
            for (String id : ids) {
                if (out.size() == limit) {
                    break;
                }
                collectFrom(id, 0, limit, out);
                cursor = id;
            }
        }
        return out;
    }

    private void collectFrom(String sessionId, long afterOp, int limit, List<CollectionOp> out) {
        try {
            DType dtype = store.find(sessionId).map(s -> s.spec().dtype()).orElse(null);
            if (dtype == null) {
                return;
            }
            for (PendingOp op : store.pendingOps(sessionId, afterOp, limit - out.size())) {
                out.add(new CollectionOp(sessionId, dtype, op));
            }
        } catch (SessionNotFoundException e) {
            // deleted while listing: it has no pending ops any more
        }
    }

    /** Applies every pending op of every session in the collection; atomic per session. */
    public List<SessionApply> applyCollection(String collection) {
        List<SessionApply> out = new ArrayList<>();
        String cursor = null;
        while (true) {
            List<String> ids = store.sessionsWithPendingOps(collection, cursor, 256);
            if (ids.isEmpty()) {
                return out;
            }
            for (String id : ids) {
                try {
                    out.add(new SessionApply(id, store.apply(id, new OpSelector.All())));
                } catch (SessionNotFoundException e) {
                    // deleted meanwhile: nothing to apply
                }
                cursor = id;
            }
        }
    }
}
