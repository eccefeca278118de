package org.tarpo4j.rl.reward;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One case per rule of Hendrycks' {@code strip_string} and of our additions; '|' stands for a newline in the input. */
class MathNormalizerTest {
    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
            "1|2;                          12",
            "10,\\!000;                    10,000",
            "\\\\frac{1}{3};               \\frac{1}{3}",
            "\\tfrac{3}{4};                \\frac{3}{4}",
            "\\dfrac{3}{4};                \\frac{3}{4}",
            "\\left( 1, 2 \\right);        (1,2)",
            "90^\\circ;                    90",
            "90^{\\circ};                  90",
            "\\$5;                         5",
            "5 \\text{ cm};                5",
            "5 \\text{ cm} or 6 \\text{ m}; 5",
            "9\\text{values};              9values",
            "\\text{Evelyn};               evelyn",
            "(\\text{E});                  (e)",
            "\\text{A,D};                  a,d",
            "\\mbox{Saturday};             saturday",
            "864 \\mbox{ inches}^2;        864",
            "\\text{(C;                    \\text{(c",
            "50\\%;                        50",
            "50%;                          50",
            "\\sqrt{.5};                   \\sqrt{0.5}",
            "a .5;                         a0.5",
            ".25;                          0.25",
            ".5;                           \\frac{1}{2}",
            "0.5;                          \\frac{1}{2}",
            "x = 5;                        5",
            "k=\\frac{1}{2};               \\frac{1}{2}",
            "xyz = 5;                      xyz=5",
            "x=1, y=2;                     x=1,y=2",
            "\\sqrt3;                      \\sqrt{3}",
            "2\\sqrt{3};                   2\\sqrt{3}",
            "\\sqrt2\\sqrt3;               \\sqrt{2}\\sqrt{3}",
            "\\frac12;                     \\frac{1}{2}",
            "\\frac1{72};                  \\frac{1}{72}",
            "\\frac{270}7;                 \\frac{270}{7}",
            "\\frac{a}{b};                 \\frac{a}{b}",
            "\\frac ab;                    \\frac{a}{b}",
            "3/4;                          \\frac{3}{4}",
            "-3/4;                         \\frac{-3}{4}",
            "03/4;                         03/4",
            "x/4;                          x/4",
            "1/2/3;                        1/2/3",
            "8 + 4i;                       8+4i",
            "\\sqrt;                       \\sqrt",
            "\\frac;                       \\frac",
            "\\frac1;                      \\frac1",
    })
    void strips(String input, String expected) {
        assertEquals(expected.trim(), MathNormalizer.strip(input.replace('|', '\n')));
    }

    @Test
    void emptyStaysEmpty() {
        assertEquals("", MathNormalizer.strip(""));
        assertEquals("", MathNormalizer.strip("\\text{ cm}"));
    }

    @Test
    void equivalence() {
        assertTrue(MathNormalizer.equivalent("\\dfrac{1}{2}", "1/2"));
        assertTrue(MathNormalizer.equivalent("\\left[ -3, 2 \\right)", "[-3,2)"));
        assertFalse(MathNormalizer.equivalent("\\frac{1}{2}", "\\frac{2}{4}"));
    }

    @Test
    void splitKeepsEmptyPartsLikePython() {
        assertEquals(java.util.List.of("", "a", ""), MathNormalizer.splitLiteral("/a/", "/"));
    }
}
