/**
 * The BatchNorm math (Sonnet v1, non-fused): moments over reduction axes, normalization and the
 * moving-average update, on row-major primitive arrays. Knows nothing of HTTP, JSON or storage.
 */
package dev.batchnorm.norm;
