package org.tarpo4j.rl.data;

import org.junit.jupiter.api.Test;
import org.tarpo4j.models.DataDirectory;

import java.io.IOException;
import java.util.HashSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared GSM8K and MATH files load completely, with the row counts of their READMEs. */
class RealDatasetsTest {
    @Test
    void gsm8k() throws IOException {
        ProblemSet train = Gsm8k.load(DataDirectory.require("data/gsm8k/train.jsonl"));
        assertEquals(7473, train.size());
        assertEquals("72", train.get(0).answer());
        assertTrue(train.get(0).prompt().startsWith("Natalia sold clips"));
        assertEquals(1319, Gsm8k.load(DataDirectory.require("data/gsm8k/test.jsonl")).size());
        for (Problem p : train) assertTrue(p.answer().matches("-?\\d+(\\.\\d+)?"), p.id() + ": " + p.answer());
    }

    @Test
    void math() throws IOException {
        java.nio.file.Path file = DataDirectory.require("data/math/train.jsonl");
        // two upstream solutions end in an empty \boxed{} (train/number_theory/7115.json and 7117.json)
        UnanswerableRowException strict = assertThrows(UnanswerableRowException.class, () -> MathDataset.load(file));
        assertEquals(5530, strict.line());
        ProblemSet train = MathDataset.load(file, LoadOptions.STRICT.skippingUnanswerable());
        assertEquals(7498, train.size());
        assertEquals(2, train.skipped().size());
        assertTrue(train.skipped().get(1).contains("line 5532: empty \\boxed{} answer"), train.skipped().get(1));
        assertEquals("0", train.get(0).answer());
        assertEquals("8+4i", train.get(1).answer());
        assertEquals("train/algebra/0.json", train.get(0).id());
        HashSet<String> ids = new HashSet<>();
        for (Problem p : train) assertTrue(ids.add(p.id()), "duplicate id " + p.id());
        ProblemSet test = MathDataset.load(DataDirectory.require("data/math/test.jsonl"));
        assertEquals(5000, test.size());
        assertTrue(test.skipped().isEmpty());
    }
}
