package dev.batchnorm.session;

/** No session has this id (never created, deleted, or expired). */
public final class SessionNotFoundException extends RuntimeException {

    private final String id;

    public SessionNotFoundException(String id) {
        super("No session has the id '" + id + "'.");
        this.id = id;
    }

    public String id() {
        return id;
    }
}
