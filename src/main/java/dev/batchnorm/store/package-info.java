/**
 * Where sessions live: one {@link dev.batchnorm.store.SessionStore} interface whose every
 * mutation of a session is atomic, with an in-memory implementation (the default).
 */
package dev.batchnorm.store;
