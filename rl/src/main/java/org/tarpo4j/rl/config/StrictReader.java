package org.tarpo4j.rl.config;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The one reader of run configs ({@code TarpoConfig}) and sweep files: JSON or YAML by extension, keys in snake_case,
 * and strict, since a typo in a config otherwise costs a run: an unknown key, a key given twice, trailing content, a
 * null for a number or flag, a fraction for an integer, {@code ""} or a boolean for a number, {@code ""} for a flag are
 * all errors, each naming the file (or "command line") and the key.
 */
public final class StrictReader {
    /** Strict JSON: also what configs are written as (indented). */
    public static final ObjectMapper JSON = strict(new ObjectMapper());
    /** Strict YAML. */
    public static final ObjectMapper YAML = strict(new ObjectMapper(new YAMLFactory()));

    private StrictReader() {}

    private static ObjectMapper strict(ObjectMapper m) {
        m.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature())
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT) // 2.5 steps is an error, not 2
                .enable(SerializationFeature.INDENT_OUTPUT)
                .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.PUBLIC_ONLY);
        // "" and true are not numbers, nor "" a boolean (Jackson would read them as 0 / 1 / false)
        for (LogicalType t : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            m.coercionConfigFor(t).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        for (LogicalType t : List.of(LogicalType.Integer, LogicalType.Float)) {
            m.coercionConfigFor(t).setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        }
        return m;
    }

    /** @return the YAML reader for {@code .yaml}/{@code .yml} files, else the JSON one */
    public static ObjectMapper forFile(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".yaml") || name.endsWith(".yml") ? YAML : JSON;
    }

    /**
     * The top-level object of a file.
     *
     * @param file the file
     * @param what what it is, for the errors ("config", "sweep")
     * @return its object
     * @throws IOException when it cannot be read
     * @throws IllegalArgumentException naming the file: missing, malformed, empty, or not an object
     */
    public static ObjectNode readObject(Path file, String what) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": no such " + what + " file");
        ObjectMapper m = forFile(file);
        JsonNode tree;
        try {
            tree = m.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid " + (m == YAML ? "YAML" : "JSON") + " (" + e.getOriginalMessage() + ")", e);
        }
        if (tree == null || tree.isMissingNode()) throw new IllegalArgumentException(file + ": the " + what + " file is empty");
        if (!tree.isObject()) throw new IllegalArgumentException(file + ": expected an object at the top level");
        return (ObjectNode) tree;
    }

    /**
     * {@code tree} as a {@code type}; every error names {@code source} and, where there is one, the key.
     *
     * @param tree       the object read
     * @param type       what to read it as
     * @param source     the file, or where the values came from
     * @param unknownKey says what to do about an unknown key, e.g. which key was meant ("" for nothing)
     * @return the value
     * @throws IllegalArgumentException naming the source and the key
     */
    public static <T> T convert(JsonNode tree, Class<T> type, String source, UnaryOperator<String> unknownKey) {
        try {
            return JSON.treeToValue(tree, type);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(source + ": unknown key '" + e.getPropertyName() + "'" + unknownKey.apply(e.getPropertyName()), e);
        } catch (JsonProcessingException e) {
            // a value's own check (an enum's parse, a record's constructor) says best what is wrong with it
            String message = e.getCause() instanceof IllegalArgumentException own ? own.getMessage() : e.getOriginalMessage();
            throw new IllegalArgumentException(source + ": " + keyOf(e) + message, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    /** {@code "key 'beta': "} for the key a type error is about, or "" when Jackson does not say. */
    private static String keyOf(JsonProcessingException e) {
        String key = null;
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            key = m.getPath().get(0).getFieldName();
        } else if (e.getProcessor() instanceof JsonParser p) {
            try {
                key = p.currentName(); // e.g. an int out of range, reported by the parser, not the mapper
            } catch (IOException ignored) {
                // no key then
            }
        }
        return key == null ? "" : "key '" + key + "': ";
    }

    /** A command-line value as JSON: a number, flag, list or object as written, a bare word as a string. */
    public static JsonNode value(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(text);
        }
    }
}
