package dev.batchnorm.session;

import dev.batchnorm.norm.DType;
import java.util.List;

/**
 * A page of a session's pending ops, read in one atomic step with the total it belongs to.
 *
 * @param total how many ops are pending in all
 */
public record PendingPage(List<PendingOp> ops, long total, DType dtype) {}
