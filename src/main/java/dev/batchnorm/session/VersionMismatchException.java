package dev.batchnorm.session;

/** A conditional write named a version that is no longer current. */
public final class VersionMismatchException extends RuntimeException {

    private final long current;

    public VersionMismatchException(long expected, long current) {
        super("The session is at version " + current + ", not " + expected + "; read it again and retry.");
        this.current = current;
    }

    public long current() {
        return current;
    }
}
