package org.tarpo4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Small shared pieces of the commands. */
final class CliSupport {
    static final ObjectMapper JSON = new ObjectMapper();

    private CliSupport() {}

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
