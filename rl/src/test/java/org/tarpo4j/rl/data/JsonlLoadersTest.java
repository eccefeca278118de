package org.tarpo4j.rl.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every loader error names the file and the 1-based line; blank lines are skipped but counted. */
class JsonlLoadersTest {
    @TempDir
    Path dir;

    private static final String GOOD_GSM8K = "{\"question\": \"2+2?\", \"answer\": \"2+2=4\\n#### 4\"}";

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private DatasetFormatException gsm8kError(String secondLine) throws IOException {
        Path f = file("g.jsonl", GOOD_GSM8K + "\n" + secondLine + "\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Gsm8k.load(f));
        assertEquals(2, e.line());
        assertEquals(f, e.file());
        assertTrue(e.getMessage().startsWith(f + ", line 2: "), e.getMessage());
        return e;
    }

    @Test
    void notJson() throws IOException {
        assertTrue(gsm8kError("{\"question\": ").getMessage().contains("not valid JSON"));
        assertTrue(gsm8kError("{\"question\": \"a\", \"answer\": \"#### 1\"} {}").getMessage().contains("not valid JSON"));
    }

    @Test
    void notAnObject() throws IOException {
        assertTrue(gsm8kError("[1, 2]").getMessage().contains("not a JSON object (it is array)"));
    }

    @Test
    void missingField() throws IOException {
        assertTrue(gsm8kError("{\"question\": \"q\"}").getMessage().contains("missing field \"answer\""));
        assertTrue(gsm8kError("{\"question\": \"q\", \"answer\": null}").getMessage().contains("missing field \"answer\""));
    }

    @Test
    void wrongType() throws IOException {
        assertTrue(gsm8kError("{\"question\": 5, \"answer\": \"#### 3\"}").getMessage()
                .contains("field \"question\" is not a string (it is number)"));
    }

    @Test
    void emptyOrMissingFinalAnswer() throws IOException {
        assertTrue(gsm8kError("{\"question\": \"q\", \"answer\": \"so #### \"}").getMessage().contains("empty final answer"));
        assertTrue(gsm8kError("{\"question\": \"q\", \"answer\": \"so 4\"}").getMessage().contains("has no \"####\""));
        assertTrue(gsm8kError("{\"question\": \" \", \"answer\": \"#### 4\"}").getMessage().contains("\"question\" is empty"));
    }

    @Test
    void invalidUtf8() throws IOException {
        Path f = dir.resolve("bad.jsonl");
        byte[] bad = "{\"question\": \"\u00ff\", \"answer\": \"#### 1\"}".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(f, bad);
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Gsm8k.load(f));
        assertEquals(1, e.line());
        assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
    }

    @Test
    void lineLongerThanTheLimit() throws IOException {
        String longLine = "{\"question\": \"" + "x".repeat(200) + "\", \"answer\": \"#### 1\"}";
        Path f = file("long.jsonl", GOOD_GSM8K + "\n\n" + longLine + "\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Gsm8k.load(f, LoadOptions.STRICT.withMaxLineBytes(100)));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("longer than the limit of 100 bytes"), e.getMessage());
        assertEquals(2, Gsm8k.load(f, LoadOptions.STRICT.withMaxLineBytes(1000)).size());
    }

    @Test
    void theLimitCountsContentNotTheLineEnd() throws IOException {
        int length = GOOD_GSM8K.getBytes(StandardCharsets.UTF_8).length;
        Path f = file("crlf.jsonl", GOOD_GSM8K + "\r\n" + GOOD_GSM8K);
        assertEquals(2, Gsm8k.load(f, LoadOptions.STRICT.withMaxLineBytes(length)).size());
        assertThrows(DatasetFormatException.class, () -> Gsm8k.load(f, LoadOptions.STRICT.withMaxLineBytes(length - 1)));
    }

    @Test
    void blankLinesAreSkippedButCounted() throws IOException {
        Path f = file("g.jsonl", "\uFEFF" + GOOD_GSM8K + "\n\n   \n" + GOOD_GSM8K.replace("#### 4", "#### 1,204") + "\n\n");
        ProblemSet set = Gsm8k.load(f);
        assertEquals(2, set.size());
        assertEquals("g.jsonl:1", set.get(0).id());
        assertEquals("g.jsonl:4", set.get(1).id());
        assertEquals("1204", set.get(1).answer());
        assertEquals("2+2?", set.get(0).prompt());
        assertEquals("2+2=4\n#### 4", set.get(0).reference());
        assertEquals("g.jsonl", set.name());
    }

    @Test
    void emptyFileGivesEmptySet() throws IOException {
        assertEquals(0, Gsm8k.load(file("e.jsonl", "")).size());
    }

    @Test
    void mathGoldIsTheLastBox() throws IOException {
        Path f = file("m.jsonl", "{\"problem\": \"p\", \"solution\": \"first \\\\boxed{1}, so $\\\\boxed{\\\\frac{1}{2}}$.\","
                + " \"source_file\": \"train/algebra/9.json\"}\n{\"problem\": \"q\", \"solution\": \"\\\\boxed{x}\"}\n");
        ProblemSet set = MathDataset.load(f);
        assertEquals("\\frac{1}{2}", set.get(0).answer());
        assertEquals("train/algebra/9.json", set.get(0).id());
        assertEquals("m.jsonl:2", set.get(1).id());
    }

    @Test
    void mathErrors() throws IOException {
        Path noBox = file("m1.jsonl", "{\"problem\": \"p\", \"solution\": \"it is 3\"}\n");
        assertTrue(assertThrows(DatasetFormatException.class, () -> MathDataset.load(noBox)).getMessage()
                .contains("line 1: field \"solution\" has no complete \\boxed{...} answer"));
        Path emptyBox = file("m2.jsonl", "\n{\"problem\": \"p\", \"solution\": \"\\\\boxed{ }\"}\n");
        assertTrue(assertThrows(DatasetFormatException.class, () -> MathDataset.load(emptyBox)).getMessage()
                .contains("line 2: empty \\boxed{} answer"));
        Path missing = file("m3.jsonl", "{\"solution\": \"\\\\boxed{1}\"}\n");
        assertTrue(assertThrows(DatasetFormatException.class, () -> MathDataset.load(missing)).getMessage()
                .contains("line 1: missing field \"problem\""));
    }

    @Test
    void genericRowsWithAndWithoutIds() throws IOException {
        Path f = file("c.jsonl", "{\"prompt\": \"a\", \"answer\": \" 1 \", \"id\": 7}\n"
                + "{\"prompt\": \"b\", \"answer\": \"2\", \"id\": \"x\", \"reference\": \"so 2\"}\n"
                + "{\"prompt\": \"c\", \"answer\": \"3\"}\n");
        ProblemSet set = GenericJsonl.load(f);
        assertEquals(new Problem("7", "a", "1", null), set.get(0));
        assertEquals(new Problem("x", "b", "2", "so 2"), set.get(1));
        assertEquals("c.jsonl:3", set.get(2).id());
        assertNull(set.get(2).reference());
    }

    @Test
    void genericErrors() throws IOException {
        Path dup = file("d.jsonl", "{\"prompt\": \"a\", \"answer\": \"1\", \"id\": 1}\n{\"prompt\": \"b\", \"answer\": \"2\", \"id\": \"1\"}\n");
        assertTrue(assertThrows(DatasetFormatException.class, () -> GenericJsonl.load(dup)).getMessage()
                .contains("line 2: duplicate id \"1\""));
        Path badId = file("i.jsonl", "{\"prompt\": \"a\", \"answer\": \"1\", \"id\": [1]}\n");
        assertTrue(assertThrows(DatasetFormatException.class, () -> GenericJsonl.load(badId)).getMessage()
                .contains("line 1: field \"id\" is neither a non-empty string nor an integer (it is array)"));
        Path emptyAnswer = file("a.jsonl", "{\"prompt\": \"a\", \"answer\": \"\"}\n");
        assertTrue(assertThrows(DatasetFormatException.class, () -> GenericJsonl.load(emptyAnswer)).getMessage()
                .contains("line 1: field \"answer\" is empty"));
        Path noPrompt = file("p.jsonl", "{\"answer\": \"1\"}\n");
        assertTrue(assertThrows(DatasetFormatException.class, () -> GenericJsonl.load(noPrompt)).getMessage()
                .contains("line 1: missing field \"prompt\""));
        Path numberAnswer = file("n.jsonl", "{\"prompt\": \"a\", \"answer\": 1}\n");
        assertTrue(assertThrows(DatasetFormatException.class, () -> GenericJsonl.load(numberAnswer)).getMessage()
                .contains("line 1: field \"answer\" is not a string (it is number)"));
    }

    @Test
    void rowsWithoutAnAnswerAreSkippedOnlyWhenAsked() throws IOException {
        Path f = file("s.jsonl", GOOD_GSM8K + "\n{\"question\": \"q\", \"answer\": \"no marker\"}\n" + GOOD_GSM8K + "\n");
        UnanswerableRowException e = assertThrows(UnanswerableRowException.class, () -> Gsm8k.load(f));
        assertEquals(2, e.line());
        ProblemSet set = Gsm8k.load(f, LoadOptions.STRICT.skippingUnanswerable());
        assertEquals(2, set.size());
        assertEquals(1, set.skipped().size());
        assertTrue(set.skipped().get(0).startsWith(f + ", line 2: field \"answer\" has no"), set.skipped().get(0));
        assertEquals("s.jsonl:3", set.get(1).id());
    }

    @Test
    void skippingNeverHidesMalformedRows() throws IOException {
        Path f = file("t.jsonl", GOOD_GSM8K + "\n{\"question\": 1, \"answer\": \"#### 1\"}\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> Gsm8k.load(f, LoadOptions.STRICT.skippingUnanswerable()));
        assertTrue(e.getMessage().contains("line 2: field \"question\" is not a string"), e.getMessage());
        Path g = file("u.jsonl", "{\"prompt\": \"a\", \"answer\": \" \"}\n{\"prompt\": \"b\", \"answer\": \"2\"}\n");
        assertEquals(1, GenericJsonl.load(g, LoadOptions.STRICT.skippingUnanswerable()).size());
    }

    @Test
    void nonPositiveLineLimitIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.STRICT.withMaxLineBytes(0));
    }

    @Test
    void datasetFormatExceptionIsAnIOException() {
        IOException e = new DatasetFormatException(Path.of("f.jsonl"), 3, "bad");
        assertEquals("f.jsonl, line 3: bad", e.getMessage());
    }
}
