package org.tarpo4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Small shared pieces of the commands. */
final class CliSupport {
    static final ObjectMapper JSON = new ObjectMapper();

    private CliSupport() {}

    /** A size such as {@code 5GB}, {@code 500MB}, {@code 2GiB} or a plain byte count (decimal units, as HF's). */
    static long parseBytes(String option, String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(|B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)\\s*")
                .matcher(text);
        if (!m.matches()) throw new IllegalArgumentException(option + ": expected a size like 5GB or 500MB, got '" + text + "'");
        double unit = switch (m.group(2).toUpperCase(java.util.Locale.ROOT)) {
            case "", "B" -> 1;
            case "KB" -> 1e3;
            case "MB" -> 1e6;
            case "GB" -> 1e9;
            case "TB" -> 1e12;
            case "KIB" -> 1L << 10;
            case "MIB" -> 1L << 20;
            case "GIB" -> 1L << 30;
            default -> (double) (1L << 40);
        };
        long bytes = (long) (Double.parseDouble(m.group(1)) * unit);
        if (bytes <= 0) throw new IllegalArgumentException(option + " must be positive, got '" + text + "'");
        return bytes;
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
