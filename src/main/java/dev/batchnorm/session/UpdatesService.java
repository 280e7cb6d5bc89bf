package dev.batchnorm.session;

import dev.batchnorm.store.SessionStore;
import java.util.ArrayList;
import java.util.List;

/** Lists, applies and discards pending update ops, per session and across a collection. */
public final class UpdatesService {

    /**
     * One session's result of a collection-wide apply: a receipt, or the reason it failed (its
     * ops then stay pending; the other sessions are applied all the same).
     */
    public record SessionApply(String sessionId, ApplyReceipt receipt, dev.batchnorm.norm.NonFiniteResultException failure) {}

    /** A pending op with the session it belongs to. */
    public record CollectionOp(String sessionId, dev.batchnorm.norm.DType dtype, PendingOp op) {}

    private final SessionStore store;

    public UpdatesService(SessionStore store) {
        this.store = store;
    }

    public PendingPage pending(String id, long afterId, int limit) {
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
        if (afterSession != null) {
            collectFrom(collection, afterSession, afterOp, limit, out);
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
                collectFrom(collection, id, 0, limit, out);
                cursor = id;
            }
        }
        return out;
    }

    private void collectFrom(String collection, String sessionId, long afterOp, int limit, List<CollectionOp> out) {
        try {
            PendingPage page = store.pendingOps(sessionId, afterOp, limit - out.size());
            for (PendingOp op : page.ops()) {
                if (collection.equals(op.collection())) {
                    out.add(new CollectionOp(sessionId, page.dtype(), op));
                }
            }
        } catch (SessionNotFoundException e) {
            // deleted while listing: it has no pending ops any more
        }
    }

    /**
     * Applies every pending op of every session in the collection, atomically per session. A
     * session that fails is reported with its failure and the rest are applied all the same.
     */
    public List<SessionApply> applyCollection(String collection) {
        List<SessionApply> out = new ArrayList<>();
        String cursor = null;
        while (true) {
            List<String> ids = store.sessionsWithPendingOps(collection, cursor, 256);
            if (ids.isEmpty()) {
                return out;
            }
            for (String id : ids) {
                cursor = id;
                try {
                    ApplyReceipt r = store.apply(id, new OpSelector.InCollection(collection));
                    if (r.applied().length > 0) {
                        out.add(new SessionApply(id, r, null));
                    }
                } catch (SessionNotFoundException e) {
                    // deleted meanwhile: nothing to apply
                } catch (dev.batchnorm.norm.NonFiniteResultException e) {
                    out.add(new SessionApply(id, null, e));
                }
            }
        }
    }
}
