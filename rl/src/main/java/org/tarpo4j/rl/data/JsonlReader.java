package org.tarpo4j.rl.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a JSON Lines file into rows: one JSON object a line, blank lines skipped, UTF-8 (a leading byte-order mark
 * is allowed), {@code \n} or {@code \r\n} line ends. Every fault is a {@link DatasetFormatException} naming the line.
 */
final class JsonlReader {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Turns one row into a value, or fails with {@link JsonlRow#error}. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(JsonlRow row) throws DatasetFormatException;
    }

    /**
     * The mapped rows, and the messages of the rows skipped as {@link UnanswerableRowException}s.
     */
    public record Rows<T>(List<T> values, List<String> skipped) {}

    private JsonlReader() {}

    /** Maps every non-blank line of {@code file}, with the line cap and skipping policy of {@code options}. */
    public static <T> Rows<T> read(Path file, LoadOptions options, RowMapper<T> mapper) throws IOException {
        List<T> out = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            LineSplitter lines = new LineSplitter(file, in, options.maxLineBytes());
            byte[] bytes;
            while ((bytes = lines.next()) != null) {
                long lineNumber = lines.lineNumber();
                String text = decode(file, lineNumber, bytes);
                if (lineNumber == 1 && text.startsWith("\uFEFF")) text = text.substring(1);
                if (text.isBlank()) continue;
                JsonlRow row = new JsonlRow(file, lineNumber, parseObject(file, lineNumber, text));
                try {
                    out.add(mapper.map(row));
                } catch (UnanswerableRowException e) {
                    if (!options.skipUnanswerable()) throw e;
                    skipped.add(e.getMessage());
                }
            }
        }
        return new Rows<>(out, skipped);
    }

    private static String decode(Path file, long line, byte[] bytes) throws DatasetFormatException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new DatasetFormatException(file, line, "not valid UTF-8", e);
        }
    }

    private static ObjectNode parseObject(Path file, long line, String text) throws DatasetFormatException {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new DatasetFormatException(file, line, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!(node instanceof ObjectNode object)) {
            throw new DatasetFormatException(file, line, "not a JSON object (it is " + JsonlRow.kind(node) + ")");
        }
        return object;
    }

    /** Splits a byte stream at {@code \n}, refusing any line longer than the cap before buffering all of it. */
    private static final class LineSplitter {
        private final Path file;
        private final InputStream in;
        private final int maxLineBytes;
        private final byte[] buffer = new byte[1 << 16];
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private int position;
        private int limit;
        private long lineNumber;
        private boolean eof;

        LineSplitter(Path file, InputStream in, int maxLineBytes) {
            this.file = file;
            this.in = in;
            this.maxLineBytes = maxLineBytes;
        }

        long lineNumber() {
            return lineNumber;
        }

        /** The next line without its line end, or null at the end of the file. */
        byte[] next() throws IOException {
            if (eof) return null;
            line.reset();
            lineNumber++;
            while (true) {
                if (position == limit) {
                    limit = in.read(buffer);
                    position = 0;
                    if (limit <= 0) {
                        limit = 0;
                        eof = true;
                        // a final line without '\n' still counts; an empty tail after the last '\n' does not
                        return line.size() == 0 ? null : finish();
                    }
                }
                int start = position;
                while (position < limit && buffer[position] != '\n') position++;
                line.write(buffer, start, position - start);
                checkLength(line.size() - 1); // a trailing '\r' is not part of the content
                if (position < limit) {
                    position++; // consume '\n'
                    return finish();
                }
            }
        }

        private void checkLength(int length) throws DatasetFormatException {
            if (length > maxLineBytes) {
                throw new DatasetFormatException(file, lineNumber,
                        "line is longer than the limit of " + maxLineBytes + " bytes");
            }
        }

        private byte[] finish() throws DatasetFormatException {
            byte[] bytes = line.toByteArray();
            int length = bytes.length;
            if (length > 0 && bytes[length - 1] == '\r') length--;
            checkLength(length);
            return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
        }
    }
}
