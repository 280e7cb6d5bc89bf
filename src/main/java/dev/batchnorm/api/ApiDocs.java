package dev.batchnorm.api;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/**
 * Request shapes for the OpenAPI document only. The endpoints read these bodies with streaming
 * readers (primitive arrays, exact decimals), not through these records.
 */
final class ApiDocs {

    private ApiDocs() {}

    @Schema(description = "Create a BatchNorm instance; every field is optional and defaults are Sonnet v1's.")
    record CreateSessionRequest(
            @Schema(description = "[A-Za-z0-9._-]{1,128}, not '.' or '..'; generated when absent", example = "demo") String id,
            @Schema(description = "Reduction axes; null means every axis but the last", nullable = true) List<Integer> axis,
            @Schema(defaultValue = "true") Boolean offset,
            @Schema(defaultValue = "false") Boolean scale,
            @Schema(defaultValue = "0.999", minimum = "0", maximum = "1") Double decayRate,
            @Schema(defaultValue = "0.001", exclusiveMinimumValue = 0) Double eps,
            @Schema(description = "Absent: \"update_ops\". null: update the moving averages in place on every training forward.", nullable = true, defaultValue = "update_ops") String updateOpsCollection,
            @Schema(description = "movingMean, movingVariance, beta, gamma: a scalar, a tensor of the statistics' shape, or a flat list", example = "{\"movingMean\": [[10, 10]], \"movingVariance\": [[1, 4]]}") Map<String, Object> initializers,
            @Schema(allowableValues = {"float32", "float64"}, defaultValue = "float32") String dtype,
            @Schema(description = "Idle expiry in seconds; null: until deleted", nullable = true) Long ttlSeconds) {}

    @Schema(description = "One forward pass.")
    record ForwardRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "Rank >= 2, batch axis first: nested arrays or {shape, data}", example = "[[9.8, 11.2], [10.4, 8.1]]") Object inputs,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Boolean isTraining,
            @Schema(defaultValue = "true", description = "Read only when isTraining is false: true normalizes with the batch's statistics, false with the moving averages") Boolean testLocalStats,
            @Schema(defaultValue = "false", description = "Apply this forward's update ops atomically with it (the colab's control dependencies)") Boolean applyUpdates) {}

    @Schema(description = "{} applies every pending op; or give ids, or throughId.")
    record ApplyRequest(List<Long> ids, Long throughId) {}
}
