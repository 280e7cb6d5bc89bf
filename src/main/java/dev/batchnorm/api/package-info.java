/**
 * The HTTP edge: controllers, request readers that parse straight into primitive arrays,
 * response records, and the mapping of every failure to {@code application/problem+json}.
 */
package dev.batchnorm.api;
