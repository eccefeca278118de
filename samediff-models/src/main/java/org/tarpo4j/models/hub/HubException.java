package org.tarpo4j.models.hub;

import java.io.IOException;

/** A model could not be found, fetched or trusted; the message says which model, which file and what to do. */
public final class HubException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, for callers (and tests) that act on it. */
    public enum Kind {
        /** The repository does not exist, or is private and the token (if any) has no access to it. */
        REPO_NOT_FOUND,
        /** The repository is gated: its conditions must be accepted on the hub and a token sent. */
        GATED,
        /** The hub rejected the token. */
        BAD_TOKEN,
        /** The branch, tag or commit does not exist in the repository. */
        REVISION_NOT_FOUND,
        /** The repository is not a model this project can load (no config.json, no safetensors weights). */
        NOT_LOADABLE,
        /** Offline, and the cache does not hold the model. */
        NOT_CACHED,
        /** A downloaded file does not match the hub's size or checksum. */
        INTEGRITY,
        /** The hub answered something this client cannot use, or could not be reached. */
        PROTOCOL
    }

    private final Kind kind;

    public HubException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public HubException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() { return kind; }
}
