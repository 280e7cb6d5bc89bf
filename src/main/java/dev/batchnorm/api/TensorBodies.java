package dev.batchnorm.api;

import dev.batchnorm.api.json.TensorForm;
import dev.batchnorm.api.json.TensorJsonWriter;
import dev.batchnorm.norm.DType;
import dev.batchnorm.norm.Tensor;
import dev.batchnorm.session.StatValue;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.annotation.JsonSerialize;

/** Response values holding tensors, written straight from their primitive arrays. */
final class TensorBodies {

    private TensorBodies() {}

    /** A tensor answered in the form its request used (nested arrays or {@code {shape, data}}). */
    @JsonSerialize(using = TensorBody.Writer.class)
    @Schema(description = "A tensor: nested arrays with the batch axis first, or {\"shape\": [..], \"data\": [..]} in row-major order; answered in the form the request used.")
    record TensorBody(Tensor tensor, TensorForm form) {

        static final class Writer extends ValueSerializer<TensorBody> {
            @Override
            public void serialize(TensorBody value, JsonGenerator gen, SerializationContext ctxt) {
                TensorJsonWriter.write(gen, value.tensor(), value.form());
            }
        }
    }

    /** A statistic or variable in the flat form {@code {shape, data}}. */
    @JsonSerialize(using = FlatTensor.Writer.class)
    @Schema(description = "A tensor in flat form: {\"shape\": [..], \"data\": [..]}, row-major.", example = "{\"shape\": [1, 2], \"data\": [10.1, 9.65]}")
    record FlatTensor(DType dtype, int[] shape, double[] data) {

        static FlatTensor of(DType dtype, StatValue value) {
            return new FlatTensor(dtype, value.shape(), value.data());
        }

        static final class Writer extends ValueSerializer<FlatTensor> {
            @Override
            public void serialize(FlatTensor value, JsonGenerator gen, SerializationContext ctxt) {
                TensorJsonWriter.writeFlat(gen, value.dtype(), value.shape(), value.data());
            }
        }
    }

    /** An initializer as given: a bare number for a scalar, else the flat form. */
    @JsonSerialize(using = InitializerBody.Writer.class)
    @Schema(description = "A scalar, or a tensor in flat form {\"shape\": [..], \"data\": [..]}.")
    record InitializerBody(DType dtype, StatValue value) {

        static final class Writer extends ValueSerializer<InitializerBody> {
            @Override
            public void serialize(InitializerBody v, JsonGenerator gen, SerializationContext ctxt) {
                if (v.value().isScalar()) {
                    if (v.dtype() == DType.FLOAT32) {
                        gen.writeNumber((float) v.value().get(0));
                    } else {
                        gen.writeNumber(v.value().get(0));
                    }
                } else {
                    TensorJsonWriter.writeFlat(gen, v.dtype(), v.value().shape(), v.value().data());
                }
            }
        }
    }
}
