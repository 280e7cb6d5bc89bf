/**
 * Sessions: one stateful Sonnet BatchNorm instance each, with its spec, variables, counters and
 * pending update ops, and the services that run forwards and updates against a store.
 */
package dev.batchnorm.session;
