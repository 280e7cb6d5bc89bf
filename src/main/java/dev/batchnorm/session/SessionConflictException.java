package dev.batchnorm.session;

/** A create named an id that exists with a different spec. */
public final class SessionConflictException extends RuntimeException {

    public SessionConflictException(String id) {
        super("A session with the id '" + id + "' exists with a different spec; delete it first or choose another id.");
    }
}
