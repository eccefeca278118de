package org.tarpo4j.cli;

import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.tokenizer.ChatTemplates;
import org.tarpo4j.models.tokenizer.HfTokenizer;
import org.tarpo4j.rl.data.Datasets;
import org.tarpo4j.rl.data.PromptBuilder;
import org.tarpo4j.rl.data.ProblemSet;
import org.tarpo4j.rl.reward.RewardRegistry;
import org.tarpo4j.rl.rollout.TextDecoder;
import org.tarpo4j.rl.train.StepMetrics;
import org.tarpo4j.rl.train.TarpoConfig;
import org.tarpo4j.rl.train.TarpoTrainer;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** RL on a Hugging Face model and a JSONL dataset, as a config file describes it. */
final class GenericTraining {
    private GenericTraining() {}

    static int run(TarpoConfig c, boolean resume) throws Exception {
        if (c.modelPath == null) throw new IllegalArgumentException("config: modelPath is required");
        if (c.trainData == null) throw new IllegalArgumentException("config: trainData is required");
        CausalLm model = CausalLm.fromPretrained(c.modelPath); // a directory or a hub id
        HfTokenizer tok = model.requireTokenizer();
        ProblemSet data = Datasets.load(c.dataFormat, Path.of(c.trainData));
        PromptBuilder prompts = new PromptBuilder(ChatTemplates.forModelType(model.config().modelType()));
        TarpoTrainer trainer = new TarpoTrainer(c, model, data.problems(), p -> prompts.encode(tok, p),
                RewardRegistry.weighted(c.rewardWeights, c.answerMarker), TextDecoder.of(tok, model.config().vocabSize()),
                Path.of(c.outputDir));
        if (resume) System.out.println("resumed at step " + trainer.resume());
        List<StepMetrics> m = trainer.train();
        if (!m.isEmpty()) {
            StepMetrics last = m.get(m.size() - 1);
            System.out.printf(Locale.ROOT, "done: step %d, reward %.3f, soft ratio %.3f, skipped steps %d; logs and checkpoints in %s%n",
                    last.step(), last.get("reward"), last.get("soft_ratio"), trainer.skippedSteps(), c.outputDir);
        }
        return 0;
    }
}
