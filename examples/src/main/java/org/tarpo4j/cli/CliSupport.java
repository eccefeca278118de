package org.tarpo4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;

import java.util.Arrays;

/** Small shared pieces of the commands: id lists and JSON output. */
final class CliSupport {
    static final ObjectMapper JSON = new ObjectMapper();

    private CliSupport() {}

    /** Parses {@code 1,2,3}. */
    static final class IdList implements CommandLine.ITypeConverter<int[]> {
        @Override
        public int[] convert(String value) {
            try {
                return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .mapToInt(Integer::parseInt).toArray();
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("expected comma-separated integer ids, got '" + value + "'");
            }
        }
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
