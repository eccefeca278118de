package org.tarpo4j.rl.reward;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tarpo4j.models.DataDirectory;
import org.tarpo4j.rl.data.Gsm8k;
import org.tarpo4j.rl.data.LoadOptions;
import org.tarpo4j.rl.data.MathDataset;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.data.ProblemSet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rewards on real dataset rows: a completion made of the row's own reasoning and gold answer scores 1; a wrong
 * answer, a doubled marker or a missing marker score 0. Counts are printed for the report.
 */
class RealDataRoundTripTest {
    private static final int ROWS = 200;
    private static List<Problem> gsm8k;
    private static List<Problem> math;

    @BeforeAll
    static void load() throws IOException {
        gsm8k = Gsm8k.load(DataDirectory.require("data/gsm8k/train.jsonl")).problems().subList(0, ROWS);
        math = MathDataset.load(DataDirectory.require("data/math/train.jsonl"), LoadOptions.STRICT.skippingUnanswerable()).problems().subList(0, ROWS);
    }

    /** A GSM8K reference without its own "#### answer" line. */
    private static String gsm8kReasoning(Problem p) {
        return p.reference().substring(0, p.reference().lastIndexOf("####")).trim();
    }

    @Test
    void gsm8kOwnSolutionScoresOne() {
        Gsm8kReward reward = new Gsm8kReward();
        for (Problem p : gsm8k) {
            assertEquals(1.0, reward.score(p.reference(), p.answer()), p.id());
            assertEquals(1.0, reward.score(gsm8kReasoning(p) + " #### " + p.answer(), p.answer()), p.id());
        }
    }

    @Test
    void gsm8kWrongAnswerDoubledOrMissingMarkerScoresZero() {
        Gsm8kReward reward = new Gsm8kReward();
        for (Problem p : gsm8k) {
            String wrong = new java.math.BigDecimal(p.answer()).add(java.math.BigDecimal.ONE).toPlainString();
            assertEquals(0.0, reward.score(gsm8kReasoning(p) + " #### " + wrong, p.answer()), p.id());
            assertEquals(0.0, reward.score(p.reference() + " #### " + p.answer(), p.answer()), p.id());
            assertEquals(0.0, reward.score(gsm8kReasoning(p) + " " + p.answer(), p.answer()), p.id());
        }
    }

    @Test
    void mathOwnSolutionScoresOneInEveryAnswerForm() {
        MathReward reward = new MathReward();
        int plain = roundTrips(reward, g -> g, "plain");
        int boxed = roundTrips(reward, g -> "\\boxed{" + g + "}", "boxed");
        int dollars = roundTrips(reward, g -> "$" + g + "$.", "dollars");
        assertEquals(ROWS, plain);
        assertEquals(ROWS, boxed);
        assertEquals(ROWS, dollars);
    }

    private static int roundTrips(MathReward reward, Function<String, String> form, String label) {
        List<String> failures = new ArrayList<>();
        for (Problem p : math) {
            String completion = p.reference() + "\n#### " + form.apply(p.answer());
            if (reward.score(completion, p.answer()) != 1.0) failures.add(p.id() + " " + p.answer());
        }
        System.out.printf("MATH round trip (%s): %d/%d%n", label, ROWS - failures.size(), ROWS);
        failures.forEach(f -> System.out.println("  fails: " + f));
        return ROWS - failures.size();
    }

    @Test
    void mathWrongAnswerDoubledOrMissingMarkerScoresZero() {
        MathReward reward = new MathReward();
        for (int i = 0; i < math.size(); i++) {
            Problem p = math.get(i);
            String wrong = otherAnswer(i);
            assertEquals(0.0, reward.score(p.reference() + "\n#### " + wrong, p.answer()), p.id() + " vs " + wrong);
            assertEquals(0.0, reward.score(p.reference() + "\n#### " + p.answer() + " #### " + p.answer(), p.answer()), p.id());
            assertEquals(0.0, reward.score(p.reference() + "\n" + p.answer(), p.answer()), p.id());
        }
    }

    /** The gold answer of the next row whose normalised answer differs from row i's. */
    private static String otherAnswer(int i) {
        String own = MathReward.normalize(math.get(i).answer());
        for (int k = 1; k < math.size(); k++) {
            String other = math.get((i + k) % math.size()).answer();
            if (!MathReward.normalize(other).equals(own)) return other;
        }
        throw new AssertionError("all answers equal");
    }

    /**
     * Other spellings of the same real answers, each covered by a normalisation rule: {@code \dfrac} for
     * {@code \frac}, spaces after commas and around {@code +}, and a prose sentence with the answer in a math span.
     */
    @Test
    void mathAnswersRespelledStillScoreOne() {
        MathReward reward = new MathReward();
        int dfrac = roundTrips(reward, g -> g.replace("\\dfrac", "\\frac").replace("\\frac", "\\dfrac"), "\\dfrac");
        int spaced = roundTrips(reward, g -> g.replace(",", ", ").replace("+", " + "), "spaced");
        int prose = roundTrips(reward, g -> "The final answer is $" + g + "$.", "prose");
        assertEquals(ROWS, dfrac);
        assertEquals(ROWS, spaced);
        assertEquals(ROWS, prose);
    }

    /** Every usable MATH train row, in every answer form used above; failures are printed for the report. */
    @Test
    void wholeMathTrainSetRoundTrips() throws IOException {
        ProblemSet all = MathDataset.load(DataDirectory.require("data/math/train.jsonl"), LoadOptions.STRICT.skippingUnanswerable());
        MathReward reward = new MathReward();
        Map<String, Function<String, String>> forms = new LinkedHashMap<>();
        forms.put("plain", g -> g);
        forms.put("boxed", g -> "\\boxed{" + g + "}");
        forms.put("dollars", g -> "$" + g + "$.");
        forms.put("\\dfrac", g -> g.replace("\\dfrac", "\\frac").replace("\\frac", "\\dfrac"));
        forms.put("spaced", g -> g.replace(",", ", ").replace("+", " + "));
        forms.put("prose", g -> "The final answer is $" + g + "$.");
        Map<String, List<String>> failures = new LinkedHashMap<>();
        forms.forEach((label, form) -> {
            List<String> failed = new ArrayList<>();
            for (Problem p : all) {
                String completion = p.reference() + "\n#### " + form.apply(p.answer());
                if (reward.score(completion, p.answer()) != 1.0) failed.add(p.id() + " " + p.answer());
            }
            System.out.printf("MATH train, all %d rows (%s): %d round-trip%n", all.size(), label, all.size() - failed.size());
            failed.forEach(f -> System.out.println("  fails: " + f));
            failures.put(label, failed);
        });
        assertEquals(7498, all.size());
        failures.forEach((label, failed) -> assertTrue(failed.isEmpty(), label + ": " + failed));
    }
}
