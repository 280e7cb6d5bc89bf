package dev.batchnorm.session;

import java.util.Map;
import java.util.TreeMap;

/** A set of longs kept as disjoint closed ranges, compact for runs of consecutive ids. */
final class IdRanges {

    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    IdRanges copy() {
        IdRanges c = new IdRanges();
        c.ranges.putAll(ranges);
        return c;
    }

    boolean contains(long id) {
        Map.Entry<Long, Long> e = ranges.floorEntry(id);
        return e != null && id <= e.getValue();
    }

    void add(long id) {
        if (contains(id)) {
            return;
        }
        long lo = id;
        long hi = id;
        Map.Entry<Long, Long> below = ranges.floorEntry(id);
        if (below != null && below.getValue() == id - 1) {
            lo = below.getKey();
            ranges.remove(below.getKey());
        }
        Long aboveHi = ranges.remove(id + 1);
        if (aboveHi != null) {
            hi = aboveHi;
        }
        ranges.put(lo, hi);
    }
}
