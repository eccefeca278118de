package org.tarpo4j.examples.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.rl.train.MetricsLog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded job end to end on the tiny preset: warm start, RL in every mode, summaries and logs. */
class EmbeddedPipelineTest {
    @Test
    @SuppressWarnings("unchecked")
    void warmStartThenEveryModeWritesItsSummary(@TempDir Path runs) throws Exception {
        try (EmbeddedTask task = new EmbeddedTask(EmbeddedPreset.TINY, EmbeddedLayout.tokenizer(runs))) {
            Path warm = EmbeddedLayout.warmStart(runs, EmbeddedPreset.TINY, 0);
            WarmStart.Result first = WarmStart.ensure(task, warm, 0);
            assertTrue(!first.reused() && first.steps() > 0);
            assertTrue(WarmStart.ensure(task, warm, 0).reused(), "the cached warm start is reused");
            CausalLm loaded = CausalLm.fromPretrained(warm);
            assertEquals(28, loaded.config().vocabSize());
            assertTrue(loaded.tokenizer().isPresent(), "the warm start carries its tokenizer");

            for (String mode : new String[]{"tarpo", "grpo", "hrpo"}) {
                Path run = runs.resolve(mode);
                Map<String, Object> s = EmbeddedRun.run(task, warm, run, mode, 1);
                assertEquals(mode, s.get("mode"));
                Map<String, Object> after = (Map<String, Object>) s.get("after");
                double acc = (double) after.get("sampled_avg_at_k");
                assertTrue(acc >= 0 && acc <= 1);
                assertEquals(EmbeddedPreset.TINY.rlSteps(), MetricsLog.read(run).size());
                assertTrue(Files.exists(run.resolve(EmbeddedRun.SUMMARY)));
                assertTrue(Files.size(run.resolve(EmbeddedRun.HELD_OUT_COMPLETIONS)) > 0);
                double soft = (double) after.get("soft_ratio");
                if (mode.equals("grpo")) assertEquals(0.0, soft);
                else assertTrue(soft > 0, mode + " uses soft inputs");
            }
        }
    }
}
