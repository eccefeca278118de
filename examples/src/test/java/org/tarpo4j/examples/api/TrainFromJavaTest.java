package org.tarpo4j.examples.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarpo4j.rl.policy.Completion;
import org.tarpo4j.rl.train.CheckpointManager;
import org.tarpo4j.rl.train.MetricsLog;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The training example on the shared tiny Llama: the custom reward is called, logged and evaluated with. */
class TrainFromJavaTest {
    @Test
    void theLambdaRewardIsCalledForEveryCompletionLoggedEachStepAndScoresTheEvaluation(@TempDir Path tmp) throws Exception {
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        Path run = tmp.resolve("run");
        TrainFromJava.Outcome o = TrainFromJava.train(SharedModels.tinyLlama(), run, 3, new PrintStream(logged, true, StandardCharsets.UTF_8));

        // 3 steps × 2 prompts × 4 completions, then 3 test problems × 4 samples
        assertEquals(3 * 2 * 4 + 3 * 4, o.brevityCalls());

        List<Map<String, Object>> lines = MetricsLog.read(run);
        List<String> callbackLines = logged.toString(StandardCharsets.UTF_8).strip().lines().toList();
        assertEquals(3, lines.size());
        assertEquals(3, callbackLines.size(), logged.toString(StandardCharsets.UTF_8));
        for (int s = 0; s < 3; s++) {
            Map<String, Object> m = lines.get(s);
            double brevity = ((Number) m.get("rewards/brevity/mean")).doubleValue(), gsm8k = ((Number) m.get("rewards/gsm8k/mean")).doubleValue();
            assertEquals(gsm8k + 0.5 * brevity, ((Number) m.get("reward")).doubleValue(), 1e-12, "the weighted sum, step " + (s + 1));
            assertTrue(brevity > 0 && brevity < 1, "random completions are neither empty nor 80 characters long: " + brevity);
            assertEquals(0, ((Number) m.get("skipped")).intValue());
            assertTrue(callbackLines.get(s).startsWith(String.format(Locale.ROOT, "step %d: reward %.4f, brevity %.4f", s + 1,
                    ((Number) m.get("reward")).doubleValue(), brevity)), callbackLines.get(s));
            assertEquals(numbersAsDoubles(o.steps().get(s).values()), numbersAsDoubles(m), "what the callback saw is what was logged");
        }
        assertTrue(Files.exists(CheckpointManager.directory(run, 3).resolve("adapter_model.safetensors")));

        // the evaluation, recounted from its completions with the same reward: correct = brevity ≥ 0.5
        assertEquals(12, o.evaluated().size());
        double avg = 0;
        for (Completion c : o.evaluated()) avg += (TrainFromJava.brevity(c.text(), "") >= 0.5 ? 1 : 0) / 12.0;
        assertEquals(avg, o.evaluation().avgAtK(), 1e-12);
        assertEquals(3, o.evaluation().problems());
    }

    @Test
    void mainPrintsTheEvaluationTable(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        String printed = SharedModels.stdoutOf(() -> TrainFromJava.main(new String[]{SharedModels.tinyLlama().toString(), run.toString()}));
        List<String> table = printed.strip().lines().toList();
        assertEquals(2, table.size(), printed);
        assertTrue(table.get(0).startsWith("benchmark") && table.get(1).startsWith("my_test"), printed);
        assertEquals(3, MetricsLog.read(run).size());
    }

    /** JSON reads 136 back as an Integer where the trainer logged a long: compare numbers by value. */
    private static Map<String, Object> numbersAsDoubles(Map<String, Object> m) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v instanceof Number n ? (Object) n.doubleValue() : v));
        return out;
    }
}
