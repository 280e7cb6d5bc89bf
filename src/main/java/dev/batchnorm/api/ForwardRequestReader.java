package dev.batchnorm.api;

import static dev.batchnorm.api.JsonBodies.bool;
import static dev.batchnorm.api.JsonBodies.next;

import dev.batchnorm.api.json.ParsedTensor;
import dev.batchnorm.api.json.TensorJsonReader;
import dev.batchnorm.norm.DType;
import dev.batchnorm.session.ForwardService;
import java.io.InputStream;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads a forward request in one streaming pass: {@code inputs} goes straight into a primitive
 * array of the session's dtype; the flags are strict booleans.
 */
final class ForwardRequestReader {

    /** A parsed forward request. */
    record ForwardRequest(ParsedTensor inputs, ForwardService.Flags flags) {}

    private final JsonFactory factory;
    private final TensorJsonReader tensors;

    ForwardRequestReader(JsonFactory factory, TensorJsonReader tensors) {
        this.factory = factory;
        this.tensors = tensors;
    }

    ForwardRequest read(InputStream body, DType dtype) {
        try (JsonParser p = factory.createParser(ObjectReadContext.empty(), body)) {
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
}
