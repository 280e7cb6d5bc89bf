package dev.batchnorm.api;

import static dev.batchnorm.api.JsonBodies.bool;
import static dev.batchnorm.api.JsonBodies.next;

import dev.batchnorm.api.json.JsonBytes;
import dev.batchnorm.api.json.ParsedTensor;
import dev.batchnorm.api.json.TensorJsonReader;
import dev.batchnorm.norm.DType;
import dev.batchnorm.session.ForwardService;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads a forward request from its body bytes: {@code inputs} goes straight into a primitive
 * array of the session's dtype; the flags are strict booleans. A byte-level fast path reads the
 * usual document; anything it does not take (every invalid document among them) is read again
 * by the streaming Jackson reader, which gives the precise error.
 */
final class ForwardRequestReader {

    /** A parsed forward request. */
    record ForwardRequest(ParsedTensor inputs, ForwardService.Flags flags) {}

    private static final byte[][] NAMES = names("inputs", "isTraining", "testLocalStats", "applyUpdates");
    private static final int INPUTS = 0;
    private static final int IS_TRAINING = 1;
    private static final int TEST_LOCAL_STATS = 2;
    private static final int APPLY_UPDATES = 3;

    private final JsonFactory factory;
    private final TensorJsonReader tensors;
    private final boolean fastPath;
    private final int maxNumberLength;
    // the fast path declines tensors of this rank or more: within both the tensor reader's and Jackson's nesting limits
    private final int maxRank;

    ForwardRequestReader(JsonFactory factory, TensorJsonReader tensors) {
        this.factory = factory;
        this.tensors = tensors;
        StreamReadConstraints limits = factory.streamReadConstraints();
        this.maxNumberLength = limits.getMaxNumberLength();
        this.maxRank = Math.min(tensors.maxDepth(), limits.getMaxNestingDepth() - 1);
        // inputs have rank 2 or more; limits that tight, or counted tokens, are left to Jackson alone
        this.fastPath = maxRank > 2 && !limits.hasMaxDocumentLength() && !limits.hasMaxTokenCount();
    }

    /** Reads {@code body[0, length)}. */
    ForwardRequest read(byte[] body, int length, DType dtype) {
        ForwardRequest fast = readFast(body, length, dtype);
        return fast != null ? fast : readFull(body, length, dtype);
    }

    /** The byte-level fast path alone: the request, or {@code null} when it leaves the body to {@link #readFull}. */
    ForwardRequest readFast(byte[] body, int length, DType dtype) {
        if (!fastPath) {
            return null;
        }
        try {
            return readFast(new JsonBytes(body, 0, length, maxNumberLength), dtype);
        } catch (JsonBytes.Declined e) {
            return null;
        }
    }

    // The common document, or Declined.
    private ForwardRequest readFast(JsonBytes in, DType dtype) {
        ParsedTensor inputs = null;
        int seen = 0;
        // by field index; the defaults of the optional flags: testLocalStats true, applyUpdates false
        boolean[] flags = {false, false, true, false};
        in.expect('{');
        do {
            int field = in.name(NAMES);
            if ((seen & 1 << field) != 0) {
                throw JsonBytes.decline();
            }
            seen |= 1 << field;
            if (field == INPUTS) {
                inputs = in.tensor(dtype, 2, maxRank, tensors.maxElements());
            } else {
                flags[field] = in.bool();
            }
        } while (in.consume(','));
        in.expect('}');
        if (!in.atEnd() || inputs == null || (seen & 1 << IS_TRAINING) == 0) {
            throw JsonBytes.decline();
        }
        return new ForwardRequest(inputs, new ForwardService.Flags(flags[IS_TRAINING], flags[TEST_LOCAL_STATS], flags[APPLY_UPDATES]));
    }

    /** The streaming Jackson reader: any valid document, and the precise error for an invalid one. */
    ForwardRequest readFull(byte[] body, int length, DType dtype) {
        try (JsonParser p = factory.createParser(ObjectReadContext.empty(), body, 0, length)) {
            JsonBodies.expectRootObject(p);
            ParsedTensor inputs = null;
            Boolean isTraining = null;
            boolean testLocalStats = true;
            boolean applyUpdates = false;
            for (JsonToken t = next(p); t != JsonToken.END_OBJECT; t = next(p)) {
                String name = p.currentName();
                next(p);
                switch (name) {
                    case "inputs" -> inputs = tensors.read(p, dtype, "/inputs", 2);
                    case "isTraining" -> isTraining = bool(p, "/isTraining");
                    case "testLocalStats" -> testLocalStats = bool(p, "/testLocalStats");
                    case "applyUpdates" -> applyUpdates = bool(p, "/applyUpdates");
                    default -> throw JsonBodies.unknownField("/" + FieldProblem.escape(name));
                }
            }
            TensorJsonReader.expectEnd(p);
            if (inputs == null) {
                throw JsonBodies.missingField("/inputs");
            }
            if (isTraining == null) {
                throw JsonBodies.missingField("/isTraining");
            }
            return new ForwardRequest(inputs, new ForwardService.Flags(isTraining, testLocalStats, applyUpdates));
        }
    }

    private static byte[][] names(String... names) {
        byte[][] out = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            out[i] = names[i].getBytes(StandardCharsets.US_ASCII);
        }
        return out;
    }
}
