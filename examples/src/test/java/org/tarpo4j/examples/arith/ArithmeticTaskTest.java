package org.tarpo4j.examples.arith;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarpo4j.models.generation.Rng;
import org.tarpo4j.models.tokenizer.HfTokenizer;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.reward.RewardFunction;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArithmeticTaskTest {
    private static final ArithmeticTask TASK = new ArithmeticTask(ArithmeticTask.Config.DEFAULT);
    private static final ArithmeticTask FOUR_OPS = new ArithmeticTask(new ArithmeticTask.Config(4, 4, 9, true, 3));
    private static final Pattern PROMPT = Pattern.compile("Compute (\\d+(?:[-+*]\\d+)+)\\.");
    private static final Pattern STEP = Pattern.compile("(-?\\d+)([-+*])(\\d+)=(-?\\d+)");

    @TempDir
    static Path tokenizerDir;
    private static HfTokenizer tok;

    @BeforeAll
    static void loadTokenizer() throws IOException {
        ArithmeticTokenizer.write(tokenizerDir);
        tok = HfTokenizer.load(tokenizerDir);
    }

    @AfterAll
    static void close() {
        if (tok != null) tok.close();
    }

    private static Expression expr(List<Long> operands, List<Character> ops) {
        return new Expression(operands, ops);
    }

    @Test
    void theCalibrationDocumentsExamples() {
        assertEquals("9*1=9, 9-2=7 #### 7", expr(List.of(9L, 1L, 2L), List.of('*', '-')).solve().completion());
        assertEquals("7*9=63, 63*8=504, 504+6=510 #### 510",
                expr(List.of(7L, 9L, 8L, 6L), List.of('*', '*', '+')).solve().completion());
        assertEquals("5*3=15, 7+15=22, 22-2=20 #### 20",
                expr(List.of(7L, 5L, 3L, 2L), List.of('+', '*', '-')).solve().completion());
        assertEquals("2*3=6, 4*5=20, 6+20=26 #### 26",
                expr(List.of(2L, 3L, 4L, 5L), List.of('*', '+', '*')).solve().completion());
        assertEquals("7+15=22", expr(List.of(7L, 15L), List.of('+')).solve().steps().get(0));
        assertEquals("7+5*3-2", expr(List.of(7L, 5L, 3L, 2L), List.of('+', '*', '-')).text());
    }

    @Test
    void generatedProblemHasPromptAnswerAndReference() {
        Problem p = TASK.generate(new Rng(1));
        Matcher m = PROMPT.matcher(p.prompt());
        assertTrue(m.matches(), p.prompt());
        assertEquals("arith:" + m.group(1), p.id());
        assertTrue(p.reference().endsWith(" #### " + p.answer()), p.reference());
    }

    @Test
    void sameSeedSameProblemsOtherSeedOtherProblems() {
        assertEquals(draw(TASK, 42, 500), draw(TASK, 42, 500));
        assertNotEquals(draw(TASK, 42, 500), draw(TASK, 43, 500));
        assertEquals(TASK.heldOut(200, 7), TASK.heldOut(200, 7));
        assertEquals(TASK.heldOut(200), TASK.heldOut(200, ArithmeticTask.Config.DEFAULT.seed()));
    }

    private static List<Problem> draw(ArithmeticTask task, long seed, int n) {
        Rng rng = new Rng(seed);
        List<Problem> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(task.generate(rng));
        return out;
    }

    @Test
    void heldOutPromptsAreDistinctAndNeverTrainedOn() {
        List<Problem> heldOut = TASK.heldOut(200);
        Set<String> prompts = ArithmeticTask.prompts(heldOut);
        assertEquals(200, prompts.size());
        Iterator<Problem> train = TASK.trainingStream(prompts);
        int overlapWithoutExclusion = 0;
        Iterator<Problem> unfiltered = TASK.trainingStream(Set.of());
        for (int i = 0; i < 10_000; i++) {
            assertFalse(prompts.contains(train.next().prompt()));
            if (prompts.contains(unfiltered.next().prompt())) overlapWithoutExclusion++;
        }
        // the exclusion has work to do: without it the stream does draw held-out prompts
        assertTrue(overlapWithoutExclusion > 0, "no overlap to exclude");
    }

    @Test
    void trainingStreamIsDeterministic() {
        Iterator<Problem> a = TASK.trainingStream(Set.of(), 5);
        Iterator<Problem> b = TASK.trainingStream(Set.of(), 5);
        for (int i = 0; i < 100; i++) assertEquals(a.next(), b.next());
    }

    @Test
    void everyReferenceIsRightStepByStep() {
        for (ArithmeticTask task : List.of(TASK, FOUR_OPS)) {
            ArithmeticTask.Config c = task.config();
            for (Problem p : draw(task, 11, 5_000)) {
                checkReference(p, c.minOps(), c.maxOps(), true);
            }
        }
    }

    @Test
    void withoutNoNegativeSomeStepsGoNegative() {
        ArithmeticTask signed = new ArithmeticTask(new ArithmeticTask.Config(2, 3, 9, false, 0));
        int negative = 0;
        for (Problem p : draw(signed, 11, 2_000)) {
            checkReference(p, 2, 3, false);
            if (p.reference().contains("=-")) negative++;
        }
        assertTrue(negative > 100, negative + " of 2000 go negative");
    }

    /** Recomputes every step and the answer from the prompt with an evaluator of its own. */
    private static void checkReference(Problem p, int minSteps, int maxSteps, boolean noNegative) {
        Matcher prompt = PROMPT.matcher(p.prompt());
        assertTrue(prompt.matches(), p.prompt());
        String[] parts = p.reference().split(" #### ");
        assertEquals(2, parts.length, p.reference());
        String[] steps = parts[0].split(", ");
        assertTrue(steps.length >= minSteps && steps.length <= maxSteps, p.reference());
        int ops = prompt.group(1).replaceAll("\\d", "").length();
        assertEquals(ops, steps.length, p.reference());
        boolean sawAdditive = false;
        long last = 0;
        for (String step : steps) {
            Matcher m = STEP.matcher(step);
            assertTrue(m.matches(), step + " in " + p.reference());
            long a = Long.parseLong(m.group(1));
            long b = Long.parseLong(m.group(3));
            long c = Long.parseLong(m.group(4));
            char op = m.group(2).charAt(0);
            assertEquals(op == '+' ? a + b : op == '-' ? a - b : a * b, c, step);
            // multiplications all come before the first addition or subtraction
            if (op == '*') assertFalse(sawAdditive, "multiplication after the fold began: " + p.reference());
            else sawAdditive = true;
            if (noNegative) assertTrue(c >= 0, p.reference());
            last = c;
        }
        long expected = evaluate(prompt.group(1));
        assertEquals(expected, last, p.reference());
        assertEquals(Long.toString(expected), p.answer());
        assertEquals(Long.toString(expected), parts[1]);
    }

    /** Standard precedence: a sum of products. */
    private static long evaluate(String expression) {
        long sum = 0;
        Matcher term = Pattern.compile("([-+]?)([\\d*]+)").matcher(expression);
        while (term.find()) {
            long product = 1;
            for (String f : term.group(2).split("\\*")) product *= Long.parseLong(f);
            sum += term.group(1).equals("-") ? -product : product;
        }
        return sum;
    }

    @Test
    void lengthsFitTheModelsBudgets() {
        for (Problem p : draw(TASK, 5, 20_000)) {
            assertTrue(p.prompt().length() <= 20, p.prompt());
            assertTrue(ArithmeticTokenizer.completionIds(tok, p).length <= 64, p.reference());
        }
        for (Problem p : draw(FOUR_OPS, 5, 5_000)) assertTrue(ArithmeticTokenizer.completionIds(tok, p).length <= 80, p.reference());
        // the longest possible cases: all multiplications of 9
        Expression worst3 = expr(List.of(9L, 9L, 9L, 9L), List.of('*', '*', '*'));
        Expression worst4 = expr(List.of(9L, 9L, 9L, 9L, 9L), List.of('*', '*', '*', '*'));
        assertTrue(ArithmeticTask.prompt(worst3.text()).length() <= 20);
        assertTrue(worst3.solve().completion().length() + 1 <= 64);
        assertTrue(worst4.solve().completion().length() + 1 <= 80);
    }

    @Test
    void theLongestReferenceAndPromptAreTheAllMultiplicationChain() {
        // by hand: 9*9=81, 81*9=729, 729*9=6561 #### 6561 (38 characters) and "Compute 9*9*9*9." (16)
        assertEquals("9*9=81, 81*9=729, 729*9=6561 #### 6561", ArithmeticTask.longestReference(ArithmeticTask.Config.DEFAULT));
        assertEquals(38, ArithmeticTask.longestReference(ArithmeticTask.Config.DEFAULT).length());
        assertEquals("Compute 9*9*9*9.", ArithmeticTask.longestPrompt(ArithmeticTask.Config.DEFAULT));
        assertEquals("Compute 12*12.", ArithmeticTask.longestPrompt(new ArithmeticTask.Config(1, 1, 12, true, 0)));
        // with negative steps a sign can make it longer (5*5=25, 25*5=125, 1-125=-124 #### -124): refused
        assertThrows(IllegalArgumentException.class, () -> ArithmeticTask.longestReference(new ArithmeticTask.Config(1, 3, 5, false, 0)));
        // exhaustively: no expression of the config's operations without negative steps is longer
        for (ArithmeticTask.Config c : List.of(new ArithmeticTask.Config(1, 3, 9, true, 0), new ArithmeticTask.Config(4, 4, 3, true, 0),
                new ArithmeticTask.Config(2, 2, 14, true, 0))) {
            int longest = ArithmeticTask.longestReference(c).length();
            for (int n = c.minOps(); n <= c.maxOps(); n++) {
                int[] digits = new int[n + 1];
                int[] ops = new int[n];
                do {
                    List<Long> operands = new ArrayList<>();
                    for (int d : digits) operands.add(d + 1L);
                    do {
                        List<Character> o = new ArrayList<>();
                        for (int op : ops) o.add("+-*".charAt(op));
                        Expression.Solution sol = expr(operands, o).solve();
                        if (!sol.goesNegative()) assertTrue(sol.completion().length() <= longest, c + ": " + sol.completion());
                    } while (next(ops, 3));
                } while (next(digits, c.maxOperand()));
            }
        }
    }

    /** The next combination in odometer order; false after the last. */
    private static boolean next(int[] digits, int base) {
        for (int i = digits.length - 1; i >= 0; i--) {
            if (++digits[i] < base) return true;
            digits[i] = 0;
        }
        return false;
    }

    @Test
    void promptAndCompletionIds() {
        Problem p = new Problem("arith:9*1-2", "Compute 9*1-2.", "7", "9*1=9, 9-2=7 #### 7");
        int[] prompt = ArithmeticTokenizer.promptIds(tok, p);
        assertEquals(1 + p.prompt().length(), prompt.length);
        assertEquals(ArithmeticTokenizer.BOS_ID, prompt[0]);
        assertEquals("<bos>Compute 9*1-2.", tok.decode(prompt, false));
        int[] completion = ArithmeticTokenizer.completionIds(tok, p);
        assertEquals(p.reference().length() + 1, completion.length);
        assertEquals(ArithmeticTokenizer.EOS_ID, completion[completion.length - 1]);
        assertEquals("9*1=9, 9-2=7 #### 7<eos>", tok.decode(completion, false));
        assertArrayEquals(tok.encode(p.reference(), false), java.util.Arrays.copyOf(completion, completion.length - 1));
    }

    @Test
    void rewardIsTheGsm8kRule() {
        RewardFunction reward = ArithmeticTask.reward();
        for (Problem p : draw(TASK, 9, 1_000)) {
            assertEquals(1.0, reward.score(p.reference(), p.answer()), p.reference());
            String wrong = p.reference().replaceAll("#### \\d+$", "#### " + (Long.parseLong(p.answer()) + 1));
            assertEquals(0.0, reward.score(wrong, p.answer()), wrong);
            assertEquals(0.0, reward.score(p.reference() + " #### " + p.answer(), p.answer()));
        }
        // decoded from ids, as a rollout would see it
        Problem p = TASK.generate(new Rng(2));
        assertEquals(1.0, reward.score(tok.decode(ArithmeticTokenizer.completionIds(tok, p), true), p.answer()));
    }

    @Test
    void invalidConfigurationsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ArithmeticTask.Config(0, 3, 9, true, 0));
        assertThrows(IllegalArgumentException.class, () -> new ArithmeticTask.Config(3, 2, 9, true, 0));
        assertThrows(IllegalArgumentException.class, () -> new ArithmeticTask.Config(2, 3, 0, true, 0));
        assertThrows(IllegalArgumentException.class, () -> new ArithmeticTask.Config(2, 30, 9, true, 0));
    }

    @Test
    void tooManyHeldOutProblemsForATinySpaceIsAnError() {
        // 1 operation, operands 1..2: at most 2*3*2 = 12 distinct problems
        ArithmeticTask tiny = new ArithmeticTask(new ArithmeticTask.Config(1, 1, 2, false, 0));
        assertEquals(12, tiny.heldOut(12).size());
        assertThrows(IllegalArgumentException.class, () -> tiny.heldOut(13));
        Iterator<Problem> none = tiny.trainingStream(ArithmeticTask.prompts(tiny.heldOut(12)));
        assertThrows(IllegalStateException.class, none::next);
    }

    @Test
    void noNegativeProblemsAreStillDrawnWithAllOperations() {
        String all = String.join("", draw(TASK, 3, 1_000).stream().map(Problem::prompt).toList());
        assertTrue(all.contains("+") && all.contains("-") && all.contains("*"));
    }
}
