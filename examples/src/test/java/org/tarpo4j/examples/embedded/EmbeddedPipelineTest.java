package org.tarpo4j.examples.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarpo4j.examples.report.ReportWriter;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.rl.train.MetricsLog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded job end to end on the tiny preset: warm start, a comparison of every mode, and the report. */
class EmbeddedPipelineTest {
    @Test
    void warmStartThenComparisonOfEveryModeThenReport(@TempDir Path runs) throws Exception {
        try (EmbeddedTask task = new EmbeddedTask(EmbeddedPreset.TINY, EmbeddedLayout.tokenizer(runs))) {
            Path warm = EmbeddedLayout.warmStart(runs, EmbeddedPreset.TINY, 0);
            WarmStart.Result first = WarmStart.ensure(task, warm, 0);
            assertTrue(!first.reused() && first.steps() > 0);
            assertTrue(WarmStart.ensure(task, warm, 0).reused(), "the cached warm start is reused");
            CausalLm loaded = CausalLm.fromPretrained(warm);
            assertEquals(org.tarpo4j.examples.arith.ArithmeticTokenizer.VOCAB_SIZE, loaded.config().vocabSize());
            assertTrue(loaded.tokenizer().isPresent(), "the warm start carries its tokenizer");

            Path dir = runs.resolve("compare");
            Comparison.run(task, warm, dir, List.of("grpo", "hrpo", "tarpo", "coconut"), 1);
            JsonNode c = new ObjectMapper().readTree(dir.resolve(Comparison.FILE).toFile());
            int coconutSteps = 3 * EmbeddedPreset.TINY.coconutStepsPerStage();
            for (String mode : List.of("grpo", "hrpo", "tarpo", "coconut")) {
                Path run = dir.resolve(mode + "-seed0");
                assertEquals(mode.equals("coconut") ? coconutSteps : EmbeddedPreset.TINY.rlSteps(), MetricsLog.read(run).size());
                if (!mode.equals("coconut")) assertTrue(Files.size(run.resolve(EmbeddedRun.HELD_OUT_COMPLETIONS)) > 0);
                JsonNode after = c.get("aggregate").get(mode).get("after");
                double acc = after.get("sampled_avg_at_k").asDouble(), soft = after.get("soft_ratio").asDouble();
                assertTrue(acc >= 0 && acc <= 1);
                if (mode.equals("grpo") || mode.equals("coconut")) assertEquals(0.0, soft);
                else assertTrue(soft > 0, mode + " uses soft inputs");
            }
            assertTrue(Comparison.table(new ObjectMapper().readValue(dir.resolve(Comparison.FILE).toFile(), java.util.Map.class)).contains("tarpo"));

            Path html = ReportWriter.write(dir);
            String page = Files.readString(html);
            for (String png : List.of("reward.png", "soft_ratio.png", "completion_length.png", "accuracy.png", "soft_by_class.png",
                    "soft_by_chain_class.png", "soft_by_entropy.png", "soft_by_position.png", "accuracy_by_soft_share.png")) {
                assertTrue(Files.size(html.resolveSibling(png)) > 1000, png);
                assertTrue(page.contains(png), png);
            }
            assertTrue(page.contains("No KL term") && !page.contains("kl.png"), "the embedded runs have beta = 0");
            assertTrue(page.contains("<h2>Hyper-parameters</h2>") && page.contains("<td>mode</td>"), "the modes differ");
            assertTrue(page.contains("<th>steps</th>"), "each class's step count");
            assertTrue(page.contains("class=\"soft\""), "soft steps are highlighted");
            assertTrue(page.contains("digits"), "soft ratio per token class");
            assertTrue(Files.exists(ReportWriter.write(dir.resolve("tarpo-seed0"))), "a single run's report too");
        }
    }
}
