package dev.batchnorm.session;

/** A forward's inputs kept changing under it (concurrent assignments); the client should retry. */
public final class ContentionException extends RuntimeException {

    public ContentionException(String message) {
        super(message);
    }
}
