package org.tarpo4j.models.config;

/** A {@code config.json} that cannot describe a supported model; the message names the file and the field. */
public final class ConfigException extends IllegalArgumentException {
    /** @param message what is wrong, starting with the file */
    public ConfigException(String message) { super(message); }

    /**
     * @param message what is wrong, starting with the file
     * @param cause   the parser's error
     */
    public ConfigException(String message, Throwable cause) { super(message, cause); }
}
