package dev.batchnorm.session;

import java.util.Arrays;

/** An apply or discard named ids that cannot be acted on. Nothing was applied or discarded. */
public final class UpdateOpsException extends RuntimeException {

    /** Why the ids were refused. */
    public enum Reason {
        /** The ids never existed in this session. */
        NOT_FOUND,
        /** The ids were discarded and can never be applied. */
        DISCARDED
    }

    private final Reason reason;
    private final long[] ids;

    public UpdateOpsException(Reason reason, long[] ids) {
        super(reason == Reason.NOT_FOUND
                ? "No update op with the id(s) " + Arrays.toString(ids) + " ever existed in this session; nothing was applied."
                : "The update op(s) " + Arrays.toString(ids) + " were discarded and cannot be applied; nothing was applied.");
        this.reason = reason;
        this.ids = ids.clone();
    }

    public Reason reason() {
        return reason;
    }

    public long[] ids() {
        return ids.clone();
    }
}
