package dev.batchnorm.api.json;

/** How a tensor is spelled in JSON; a response answers in the form the request used. */
public enum TensorForm {
    /** Nested arrays, batch axis first: {@code [[1, 2], [3, 4]]}. */
    NESTED,
    /** A row-major object: {@code {"shape": [2, 2], "data": [1, 2, 3, 4]}}. */
    FLAT
}
