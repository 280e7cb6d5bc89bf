package dev.batchnorm.session;

import java.util.Arrays;

/** Which pending update ops an apply or discard acts on. */
public sealed interface OpSelector {

    /** Every pending op, in id order. */
    record All() implements OpSelector {}

    /** These ids (sorted, distinct). */
    record Ids(long[] ids) implements OpSelector {
        public Ids {
            ids = Arrays.stream(ids).sorted().distinct().toArray();
        }

        @Override
        public long[] ids() {
            return ids.clone();
        }
    }

    /** Every pending op with an id up to and including {@code id}. */
    record Through(long id) implements OpSelector {}

    /** Every pending op, if the session's collection is {@code collection}; none otherwise. */
    record InCollection(String collection) implements OpSelector {}
}
