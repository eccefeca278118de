package org.tarpo4j.rl.reward;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tarpo4j.models.DataDirectory;
import org.tarpo4j.rl.data.LoadOptions;
import org.tarpo4j.rl.data.MathDataset;
import org.tarpo4j.rl.data.Problem;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Gold answers of the MATH test split, read from the data by problem id (the form each rule is about is checked, so a
 * changed file fails here instead of testing something else), against answers a model writes: equal after the
 * normalisation exactly when they should be.
 */
class MathTestSplitAnswersTest {
    private static final Map<String, String> GOLD = new HashMap<>();

    @BeforeAll
    static void load() throws IOException {
        for (Problem p : MathDataset.load(DataDirectory.require("data/math/test.jsonl"), LoadOptions.STRICT.skippingUnanswerable()).problems()) {
            GOLD.put(p.id(), p.answer());
        }
    }

    @ParameterizedTest(name = "[{index}] {0}: ''{2}'' -> {3}")
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
            // id;                                   gold as the split writes it;   a model's answer;    same answer?
            "test/algebra/1349.json;                 \\text{Evelyn};                Evelyn;              true",   // \text{} unwrapped
            "test/algebra/1349.json;                 \\text{Evelyn};                evelyn;              true",   // lower-cased
            "test/algebra/1349.json;                 \\text{Evelyn};                Navin;               false",
            "test/algebra/2465.json;                 \\text{VW};                    vw;                  true",
            "test/intermediate_algebra/1326.json;    (\\text{E});                   (E);                 true",
            "test/intermediate_algebra/1326.json;    (\\text{E});                   (D);                 false",
            "test/algebra/2687.json;                 \\text{(C)};                   (C);                 true",
            "test/number_theory/880.json;            \\mbox{Saturday};              Saturday;            true",
            "test/algebra/1900.json;                 9\\text{ a.m.};                9;                   true",   // units
            "test/prealgebra/1044.json;              5.4 \\text{ cents};            5.4;                 true",
            "test/geometry/473.json;                 864 \\mbox{ inches}^2;         864;                 true",
            "test/prealgebra/1003.json;              \\frac{270}7\\text{ degrees};  \\frac{270}{7};      true",
            "test/counting_and_probability/508.json; 10,\\!080;                     10,080;              true",   // \\!
            "test/prealgebra/1655.json;              \\dfrac{17}{50};               \\frac{17}{50};      true",   // dfrac
            "test/prealgebra/1655.json;              \\dfrac{17}{50};               17/50;               true",
            "test/prealgebra/1655.json;              \\dfrac{17}{50};               \\tfrac{17}{50};     true",   // tfrac
            "test/geometry/279.json;                 90^\\circ;                     90;                  true",   // ^\\circ
            "test/geometry/279.json;                 90^\\circ;                     90^{\\circ};         true",
            "test/algebra/2780.json;                 \\$18.90;                      18.90;               true",   // \\$
            "test/algebra/160.json;                  \\$ 139;                       139;                 true",
            "test/algebra/1820.json;                 44\\%;                         44;                  true",
            "test/intermediate_algebra/1289.json;    \\frac{7}{5} + \\frac{1}{5} i.; \\frac75+\\frac15i;  true",   // trailing .
            "test/algebra/1057.json;                 .5;                            0.5;                 true",   // 0.5 vs 1/2
            "test/algebra/1057.json;                 .5;                            \\frac{1}{2};        true",
            "test/algebra/1057.json;                 .5;                            1/2;                 true",
            "test/algebra/2.json;                    \\frac{1}{2};                  0.5;                 true",
            "test/algebra/2.json;                    \\frac{1}{2};                  \\frac{3}{2};        false",
            "test/algebra/598.json;                  \\frac{3}{2};                  \\frac{1}{2};        false",
            "test/algebra/598.json;                  \\frac{3}{2};                  3/2;                 true",
    })
    void sameAnswerExactlyWhenItShouldBe(String id, String written, String answer, boolean same) {
        String gold = GOLD.get(id);
        assertNotNull(gold, id + " is not in the test split");
        assertEquals(written.trim(), gold, id + ": the split's answer is not the form this case is about");
        assertEquals(same, MathReward.normalize(gold).equals(MathReward.normalize(answer.trim())), gold + " vs " + answer);
        assertEquals(same ? 1.0 : 0.0, new MathReward().score("#### " + answer.trim(), gold), "reward, " + gold + " vs " + answer);
    }
}
