package org.tarpo4j.models.config;

/** A {@code config.json} that cannot describe a supported model; the message names the file and the field. */
public final class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) { super(message); }
    public ConfigException(String message, Throwable cause) { super(message, cause); }
}
