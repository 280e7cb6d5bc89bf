package dev.batchnorm.api.json;

import dev.batchnorm.norm.Tensor;

/** A tensor read from JSON, with the form it was written in. */
public record ParsedTensor(Tensor tensor, TensorForm form) {
}
