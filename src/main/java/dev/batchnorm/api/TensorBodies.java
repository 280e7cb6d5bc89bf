package dev.batchnorm.api;

import dev.batchnorm.api.json.TensorForm;
import dev.batchnorm.api.json.TensorJsonWriter;
import dev.batchnorm.norm.DType;
import dev.batchnorm.norm.Tensor;
import dev.batchnorm.session.StatValue;
import io.swagger.v3.oas.annotations.media.ArraySchema;
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
    @Schema(implementation = ApiDocs.Tensor.class)
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
    @Schema(name = "FlatTensor", description = "A tensor in the flat form: its shape, and its elements in row-major (C) order. "
            + "Statistics and variables are always answered in this form.",
            requiredProperties = {"shape", "data"}, example = "{\"shape\": [1, 2], \"data\": [10.1, 9.65]}")
    record FlatTensor(
            @Schema(hidden = true) DType dtype,
            @ArraySchema(schema = @Schema(type = "integer", format = "int32", minimum = "0"),
                    arraySchema = @Schema(description = "The dimensions; [] is a scalar.")) int[] shape,
            @ArraySchema(schema = @Schema(type = "number", format = "double"),
                    arraySchema = @Schema(description = "The elements, row-major; as many as the shape's product.")) double[] data) {

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
    @Schema(implementation = ApiDocs.Initializer.class)
    record InitializerBody(DType dtype, StatValue value) {

        static final class Writer extends ValueSerializer<InitializerBody> {
            @Override
            public void serialize(InitializerBody v, JsonGenerator gen, SerializationContext ctxt) {
                if (v.value().isScalar()) {
                    if (v.dtype() == DType.FLOAT32) {
                        TensorJsonWriter.writeFloat(gen, (float) v.value().get(0));
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
