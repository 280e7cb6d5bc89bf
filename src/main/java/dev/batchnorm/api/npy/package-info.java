/** NumPy's .npy format (versions 1 to 3, little-endian float32/float64, C order) for binary tensors. */
package dev.batchnorm.api.npy;
