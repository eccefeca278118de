package org.tarpo4j.rl.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * One parsed JSONL line, with typed field access whose failures name the file and line.
 *
 * @param line 1-based
 */
record JsonlRow(Path file, long line, ObjectNode json) {
    /** The string field {@code name}; missing, {@code null}, or not a string is an error. */
    public String requiredString(String name) throws DatasetFormatException {
        JsonNode node = json.get(name);
        if (node == null || node.isNull()) throw error("missing field \"" + name + "\"");
        if (!node.isTextual()) throw error("field \"" + name + "\" is not a string (it is " + kind(node) + ")");
        return node.textValue();
    }

    /** {@link #requiredString} that must also be non-blank. */
    public String requiredNonBlank(String name) throws DatasetFormatException {
        String value = requiredString(name);
        if (value.isBlank()) throw error("field \"" + name + "\" is empty");
        return value;
    }

    /** The string field {@code name}, empty when missing or {@code null}; another type is an error. */
    public Optional<String> optionalString(String name) throws DatasetFormatException {
        JsonNode node = json.get(name);
        if (node == null || node.isNull()) return Optional.empty();
        if (!node.isTextual()) throw error("field \"" + name + "\" is not a string (it is " + kind(node) + ")");
        return Optional.of(node.textValue());
    }

    /** An identifier field: a string or an integer, empty when missing; another type is an error. */
    public Optional<String> optionalId(String name) throws DatasetFormatException {
        JsonNode node = json.get(name);
        if (node == null || node.isNull()) return Optional.empty();
        if (node.isTextual() && !node.textValue().isBlank()) return Optional.of(node.textValue());
        if (node.isIntegralNumber()) return Optional.of(node.asText());
        throw error("field \"" + name + "\" is neither a non-empty string nor an integer (it is " + kind(node) + ")");
    }

    /** The default problem id: file name and line, e.g. {@code "train.jsonl:12"}. */
    public String defaultId() {
        return file.getFileName() + ":" + line;
    }

    /** An error about this row. */
    public DatasetFormatException error(String problem) {
        return new DatasetFormatException(file, line, problem);
    }

    /** An error about this row's gold answer: missing or empty although the row is otherwise well-formed. */
    public UnanswerableRowException unanswerable(String problem) {
        return new UnanswerableRowException(file, line, problem);
    }

    /** The JSON type of {@code node} for messages: "string", "number", "array", ... */
    static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
