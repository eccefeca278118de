package org.tarpo4j.rl.reward;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where the answer is read (the only marker or the last one) and the normalised keys majority voting counts. */
class AnswerKeyTest {
    private final Gsm8kReward single = new Gsm8kReward();
    private final Gsm8kReward last = new Gsm8kReward("####", AnswerRule.LAST_MARKER);

    @Test
    void theTrainingRuleNeedsOneMarkerThePublishedEvaluationReadsAfterTheLast() {
        String twice = "3 + 4 = 7 #### 6 #### 7";
        assertEquals(0.0, single.score(twice, "7"));
        assertEquals(1.0, last.score(twice, "7"));
        assertEquals(0.0, last.score("#### 7 #### 6", "7"), "the last marker's answer, not the first");
        assertEquals(0.0, last.score("no marker 7", "7"));
        assertEquals(1.0, single.score("so #### 7", "7"));
        assertEquals(1.0, last.score("so #### 7", "7"));
        assertEquals(AnswerRule.LAST_MARKER, AnswerRule.parse("last"));
        assertEquals(AnswerRule.SINGLE_MARKER, AnswerRule.parse("single"));
    }

    @Test
    void gsm8kKeysAreCanonicalNumbers() {
        assertEquals(Optional.of("72"), single.answerKey("so 72.0 #### 72.0", "72"));
        assertEquals(Optional.of("1234"), single.answerKey("x #### 1,234", "5"));
        assertEquals(Optional.empty(), single.answerKey("no marker 5", "5"));
        assertEquals(Optional.empty(), single.answerKey("#### 5 #### 6", "5"));
        assertEquals(Optional.of("6"), last.answerKey("#### 5 #### 6", "5"));
    }

    @Test
    void mathKeysAreNormalisedAnswersNotTheirLastNumber() {
        MathReward math = new MathReward("####", AnswerRule.LAST_MARKER);
        // the old key was the last number: both fractions voted for "2", and the OR-merge made the vote correct
        assertEquals(Optional.of("\\frac{1}{2}"), math.answerKey("#### \\frac{1}{2}", "\\frac{3}{2}"));
        assertEquals(Optional.of("\\frac{3}{2}"), math.answerKey("#### \\frac{3}{2}", "\\frac{3}{2}"));
        assertEquals(math.answerKey("#### 0.5", "7"), math.answerKey("#### $\\dfrac12$", "7"));
        assertEquals(Optional.of("36"), math.answerKey("#### The answer is 36.", "5"), "a prose answer votes with its number");
        assertEquals(math.answerKey("#### 36", "5"), math.answerKey("#### The answer is 36.", "5"));
    }

    @Test
    void aKeyIsCorrectExactlyWhenTheCompletionsGivingItScoreOne() {
        MathReward math = new MathReward("####", AnswerRule.LAST_MARKER);
        String gold = "\\text{June 20}";
        for (String c : new String[]{"#### June 20", "#### \\text{June 20}", "#### July 20", "#### 20", "#### $x=20$"}) {
            boolean correct = math.score(c, gold) == 1.0;
            boolean keyIsGold = math.answerKey(c, gold).equals(Optional.of(MathReward.normalize(gold)));
            assertEquals(correct, keyIsGold, c);
        }
    }
}
