package dev.batchnorm.session;

import java.time.Instant;

/**
 * What a computed forward asks the store to do atomically: check that the session is the one the
 * forward was computed from, fix or check the input shape, count the forward and apply or defer
 * its updates.
 *
 * @param uid the incarnation the forward read (a deleted and re-created id has another)
 * @param paramsVersion the version at which beta or gamma were last assigned, as read
 * @param statsVersion the version at which the moving statistics last changed, as read, when the
 *     forward normalized with them; -1 when it did not use them
 * @param pattern the input shape with reduced axes as -1
 * @param inputShape the input's shape, for messages
 * @param batchMean the batch mean (statistics' size; null when {@code mode} is NONE)
 * @param batchVariance the biased batch variance (null when {@code mode} is NONE)
 */
public record ForwardCommit(
        String uid,
        long paramsVersion,
        long statsVersion,
        int[] pattern,
        int[] inputShape,
        UpdateMode mode,
        double[] batchMean,
        double[] batchVariance,
        Instant now) {}
