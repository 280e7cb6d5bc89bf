/**
 * The JSON tensor codec: reads tensors from a streaming parser straight into primitive arrays
 * and writes them straight from primitive arrays, with errors that carry a stable code and a
 * JSON Pointer into the request document.
 */
package dev.batchnorm.api.json;
