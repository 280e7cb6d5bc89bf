package dev.batchnorm.session;

import dev.batchnorm.norm.DType;
import java.util.Map;

/**
 * The result of applying pending ops.
 *
 * @param applied ids applied by this call, in the order applied
 * @param alreadyApplied requested ids that an earlier call applied (nothing applied twice)
 * @param variables every variable after the apply, in {@code dtype}
 */
public record ApplyReceipt(long[] applied, long[] alreadyApplied, Map<Variable, StatValue> variables, DType dtype, long version) {}
