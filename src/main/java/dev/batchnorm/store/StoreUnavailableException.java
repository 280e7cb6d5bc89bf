package dev.batchnorm.store;

/** The store could not be reached or did not answer in time; nothing is known to have changed. */
public final class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(Throwable cause) {
        super("The session store is unavailable; retry shortly.", cause);
    }
}
