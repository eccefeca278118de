package org.tarpo4j.tests.fuzz;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.tarpo4j.rl.data.DatasetFormatException;
import org.tarpo4j.rl.data.GenericJsonl;
import org.tarpo4j.rl.data.Gsm8k;
import org.tarpo4j.rl.data.LoadOptions;
import org.tarpo4j.rl.data.MathDataset;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Malformed dataset files: a valid GSM8K, MATH or generic JSONL file with one line broken (a field missing or of the
 * wrong type, an empty answer, no final-answer marker, a huge line, not UTF-8, not a JSON object, a duplicate id).
 * The error must name the file, the line and, for a field fault, the field.
 */
final class DatasetFuzz {
    static final String CATEGORY = "dataset jsonl";
    /** The line cap of most cases; a few use the default 1 MiB cap with a line just over it. */
    private static final int SMALL_CAP = 4096;

    /** One of the three formats: its fields, a valid row, and its loader. */
    private enum Format {
        GSM8K("question", "answer") {
            @Override ObjectNode row(SplittableRandom rnd, int i) {
                int a = rnd.nextInt(100), b = rnd.nextInt(100);
                return TensorFileSpec.JSON.createObjectNode().put("question", "What is " + a + " + " + b + "?")
                        .put("answer", a + " + " + b + " = " + (a + b) + "\n#### " + (a + b));
            }
            @Override Object load(Path file, LoadOptions options) throws IOException { return Gsm8k.load(file, options); }
            @Override String[] unanswerable() { return new String[]{"", "   ", "42", "the answer is 42", "#### ", "####"}; }
        },
        MATH("problem", "solution") {
            @Override ObjectNode row(SplittableRandom rnd, int i) {
                int a = rnd.nextInt(100);
                return TensorFileSpec.JSON.createObjectNode().put("problem", "Compute $" + a + "^2$.")
                        .put("solution", "$" + a + "^2 = \\boxed{" + (a * a) + "}$").put("level", "Level 1");
            }
            @Override Object load(Path file, LoadOptions options) throws IOException { return MathDataset.load(file, options); }
            @Override String[] unanswerable() { return new String[]{"", "no box here", "\\boxed{}", "\\boxed{  }", "\\boxed{12"}; }
        },
        JSONL("prompt", "answer") {
            @Override ObjectNode row(SplittableRandom rnd, int i) {
                return TensorFileSpec.JSON.createObjectNode().put("id", "p" + i).put("prompt", "Say " + i + ".").put("answer", String.valueOf(i));
            }
            @Override Object load(Path file, LoadOptions options) throws IOException { return GenericJsonl.load(file, options); }
            @Override String[] unanswerable() { return new String[]{"", "  ", "\t"}; }
        };

        final String questionField, answerField;

        Format(String questionField, String answerField) {
            this.questionField = questionField;
            this.answerField = answerField;
        }

        abstract ObjectNode row(SplittableRandom rnd, int i);

        abstract Object load(Path file, LoadOptions options) throws IOException;

        /** Answer field values that are well-formed strings without a usable gold answer. */
        abstract String[] unanswerable();
    }

    @FunctionalInterface
    private interface Mutation {
        /** Returns the broken line's bytes; appends the culprits the error must name to {@code culprits}. */
        byte[] line(SplittableRandom rnd, Format format, ObjectNode row, List<String> culprits);
    }

    private static final List<Mutation> MUTATIONS = List.of(
            DatasetFuzz::missingField, DatasetFuzz::wrongType, DatasetFuzz::emptyOrUnmarkedAnswer, DatasetFuzz::blankQuestion,
            DatasetFuzz::notJson, DatasetFuzz::notAnObject, DatasetFuzz::notUtf8, DatasetFuzz::hugeLine);

    private DatasetFuzz() {}

    /** The loads of unbroken files, one per format, which must succeed (guards the generator). */
    static List<FuzzCase.Load> unbroken(SplittableRandom rnd, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<FuzzCase.Load> out = new ArrayList<>();
        for (Format format : Format.values()) {
            Path file = dir.resolve("valid-" + format.name().toLowerCase() + ".jsonl");
            StringBuilder text = new StringBuilder();
            for (int line = 1; line <= 5; line++) text.append(format.row(rnd, line)).append('\n');
            Files.writeString(file, text);
            out.add(() -> format.load(file, LoadOptions.STRICT.withMaxLineBytes(SMALL_CAP)));
        }
        return out;
    }

    static List<FuzzCase> cases(SplittableRandom rnd, Path dir, int n) throws IOException {
        Files.createDirectories(dir);
        List<FuzzCase> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Format format = Format.values()[rnd.nextInt(Format.values().length)];
            Path file = dir.resolve(String.format("data-%04d-%s.jsonl", i, format.name().toLowerCase()));
            // every 16th case is a duplicate id in a generic file or a line just over the default 1 MiB cap
            if (i % 16 == 15) out.add(i % 32 == 15 ? duplicateId(rnd, file) : overTheDefaultCap(rnd, file, format));
            else out.add(brokenLine(rnd, file, format, MUTATIONS.get(i % MUTATIONS.size()), LoadOptions.STRICT.withMaxLineBytes(SMALL_CAP)));
        }
        return out;
    }

    private static FuzzCase brokenLine(SplittableRandom rnd, Path file, Format format, Mutation m, LoadOptions options) throws IOException {
        int lines = rnd.nextInt(1, 30), bad = rnd.nextInt(1, lines + 1);
        List<String> culprits = new ArrayList<>();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (int line = 1; line <= lines; line++) {
            ObjectNode row = format.row(rnd, line);
            text.writeBytes(line == bad ? m.line(rnd, format, row, culprits) : row.toString().getBytes(StandardCharsets.UTF_8));
            text.write(rnd.nextInt(4) == 0 ? '\r' : ' ');
            text.write('\n');
        }
        Files.write(file, text.toByteArray());
        FuzzCase c = loading(file, format, options, bad, format + " line " + bad + " of " + lines + ": " + culprits);
        for (String culprit : culprits) c = c.naming(culprit);
        return c;
    }

    private static FuzzCase loading(Path file, Format format, LoadOptions options, int line, String label) {
        return FuzzCase.of(CATEGORY, label, DatasetFormatException.class, () -> format.load(file, options))
                .naming(file.getFileName().toString()).naming(", line " + line + ":");
    }

    private static String field(SplittableRandom rnd, Format format) {
        return rnd.nextBoolean() ? format.questionField : format.answerField;
    }

    private static byte[] bytes(ObjectNode row) {
        return row.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] missingField(SplittableRandom rnd, Format format, ObjectNode row, List<String> culprits) {
        String f = field(rnd, format);
        if (rnd.nextBoolean()) row.remove(f);
        else row.putNull(f);
        culprits.add("\"" + f + "\"");
        return bytes(row);
    }

    private static byte[] wrongType(SplittableRandom rnd, Format format, ObjectNode row, List<String> culprits) {
        String f = field(rnd, format);
        switch (rnd.nextInt(5)) {
            case 0 -> row.put(f, rnd.nextInt(1000));
            case 1 -> row.put(f, rnd.nextDouble());
            case 2 -> row.put(f, rnd.nextBoolean());
            case 3 -> row.putArray(f).add("What is 1 + 1?");
            default -> row.putObject(f).put("text", "2");
        }
        culprits.add("\"" + f + "\"");
        return bytes(row);
    }

    private static byte[] emptyOrUnmarkedAnswer(SplittableRandom rnd, Format format, ObjectNode row, List<String> culprits) {
        String[] values = format.unanswerable();
        row.put(format.answerField, values[rnd.nextInt(values.length)]);
        culprits.add(format == Format.GSM8K && row.get("answer").asText().isBlank() ? "####" : "answer");
        return bytes(row);
    }

    private static byte[] blankQuestion(SplittableRandom rnd, Format format, ObjectNode row, List<String> culprits) {
        row.put(format.questionField, new String[]{"", " ", "\n\t "}[rnd.nextInt(3)]);
        culprits.add("\"" + format.questionField + "\"");
        return bytes(row);
    }

    private static byte[] notJson(SplittableRandom rnd, Format format, ObjectNode row, List<String> culprits) {
        String text = row.toString();
        String[] broken = {text.substring(0, rnd.nextInt(1, text.length() - 1)), text + " x", "{'question': 'single quotes'}",
                text.replace("\":", "\" "), text + text, "{\"question\": " + TensorFileSpec.nested(2000, "1") + "}"};
        culprits.add("JSON");
        return broken[rnd.nextInt(broken.length)].getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] notAnObject(SplittableRandom rnd, Format format, ObjectNode row, List<String> culprits) {
        String[] values = {"[" + row + "]", "42", "\"" + format.questionField + "\"", "null", "true"};
        culprits.add("object");
        return values[rnd.nextInt(values.length)].getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] notUtf8(SplittableRandom rnd, Format format, ObjectNode row, List<String> culprits) {
        byte[] b = bytes(row);
        b[rnd.nextInt(1, b.length - 1)] = (byte) (0xF8 | rnd.nextInt(8)); // never valid in UTF-8
        culprits.add("UTF-8");
        return b;
    }

    private static byte[] hugeLine(SplittableRandom rnd, Format format, ObjectNode row, List<String> culprits) {
        row.put(format.questionField, "x".repeat(SMALL_CAP + rnd.nextInt(1, 3 * SMALL_CAP)));
        culprits.add(String.valueOf(SMALL_CAP));
        return bytes(row);
    }

    private static FuzzCase overTheDefaultCap(SplittableRandom rnd, Path file, Format format) throws IOException {
        int cap = LoadOptions.STRICT.maxLineBytes();
        ObjectNode row = format.row(rnd, 1);
        row.put(format.questionField, "y".repeat(cap + rnd.nextInt(1, 1000)));
        Files.writeString(file, format.row(rnd, 0) + "\n" + row + "\n");
        return loading(file, format, LoadOptions.STRICT, 2, format + " line 2 over " + cap + " bytes").naming(String.valueOf(cap));
    }

    private static FuzzCase duplicateId(SplittableRandom rnd, Path file) throws IOException {
        int lines = rnd.nextInt(2, 20), dup = rnd.nextInt(2, lines + 1), of = rnd.nextInt(1, dup);
        StringBuilder text = new StringBuilder();
        for (int line = 1; line <= lines; line++) {
            ObjectNode row = Format.JSONL.row(rnd, line);
            if (line == dup) row.put("id", "p" + of);
            text.append(row).append('\n');
        }
        Files.writeString(file, text);
        return loading(file, Format.JSONL, LoadOptions.STRICT, dup, "JSONL line " + dup + " repeats the id of line " + of)
                .naming("\"p" + of + "\"");
    }
}
