package org.tarpo4j.rl.reward;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MathRewardTest {
    private final MathReward reward = new MathReward();

    @ParameterizedTest(name = "[{index}] ''{0}'' vs {1} -> {2}")
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
            "#### \\boxed{\\frac{1}{2}};             \\frac12;            1",
            "#### $\\dfrac{1}{2}$;                   \\frac{1}{2};        1",
            "#### 1/2;                               \\frac{1}{2};        1",
            "#### 0.5;                               \\frac{1}{2};        1",
            "#### 8+4i;                              8+4i;                1",
            "#### 8+4i;                              8-4i;                0",
            "#### The answer is 36.;                 36;                  1",
            "#### The answer is $x=3$.;              3;                   1",
            "#### \\boxed{3} or $4$;                 4;                   0",
            "#### \\boxed{3;                         3;                   0",
            "#### \\fbox{7};                         7;                   1",
            "#### $\\boxed 7$;                       7;                   1",
            "#### \\$ 1500;                          \\$ 1500;            1",
            "#### 5 \\text{ cm};                     5;                   1",
            "#### 64%;                               64\\%;               1",
            "#### \\left[-3,-\\frac{4}{3}\\right);   \\left[-3,-\\frac{4}{3}\\right); 1",
            "#### (1, 6);                            (1,6);               1",
            "#### 90^\\circ;                         90;                  1",
            "#### \\sqrt3;                           \\sqrt{3};           1",
            "#### \\frac{2}{4};                      \\frac{1}{2};        0",
            "\\boxed{5};                             5;                   0",
            "#### 5 #### \\boxed{5};                 5;                   0",
            "#### ;                                  5;                   0",
            "#### \\frac{17}{6};                     6;                   0",
            "#### (1, 6);                            6;                   0",
            "#### x^2;                               2;                   0",
            "#### \\sqrt 3;                          3;                   0",
            "#### It is 36 after 2 steps.;           36;                  0",
            "#### It is 36 after 2 steps.;           2;                   0",
            "#### It is -36, surely!;                -36;                 1",
            "#### -\\frac{5}{3}.;                    -\\frac{5}{3}.;      1",
            "#### -\\frac{5}{3};                     -\\frac{5}{3}.;      1",
    })
    void scores(String completion, String gold, int expected) {
        assertEquals(expected, reward.score(completion, gold.trim()));
    }

    @Test
    void candidatesPreferBoxThenSpanThenNumberOrText() {
        assertEquals(List.of("3"), MathReward.candidates(" \\boxed{3} $4$ 5"));
        assertEquals(List.of("4"), MathReward.candidates(" $4$ 5"));
        assertEquals(List.of("5", "it is 5."), MathReward.candidates(" it is 5. "));
        assertEquals(List.of("\\frac{17}{6}"), MathReward.candidates(" \\frac{17}{6}"));
        assertEquals(List.of(), MathReward.candidates(" \\boxed{3 "));
    }

    @Test
    void blankGoldNeverMatches() {
        assertEquals(0.0, reward.score("#### \\text{ cm}", "\\text{ m}"));
    }
}
