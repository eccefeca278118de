package org.tarpo4j.cli;

import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.tokenizer.ChatTemplates;
import org.tarpo4j.models.tokenizer.HfTokenizer;
import org.tarpo4j.rl.data.Datasets;
import org.tarpo4j.rl.data.PromptBuilder;
import org.tarpo4j.rl.data.ProblemSet;
import org.tarpo4j.rl.reward.RewardRegistry;
import org.tarpo4j.rl.rollout.TextDecoder;
import org.tarpo4j.rl.train.CheckpointManager;
import org.tarpo4j.rl.train.MetricsLog;
import org.tarpo4j.rl.train.StepMetrics;
import org.tarpo4j.rl.train.TarpoConfig;
import org.tarpo4j.rl.train.TarpoTrainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** RL on a Hugging Face model and a JSONL dataset, as a config file describes it. */
final class GenericTraining {
    private GenericTraining() {}

    static int run(TarpoConfig c, boolean resume) throws Exception {
        return run(c, resume, false, System.out);
    }

    /**
     * @param planOnly print the step's memory plan and the batch sizes it picks, and stop (nothing is trained)
     * @param out      where the summary goes: standard output when it is the command's result
     */
    static int run(TarpoConfig c, boolean resume, boolean planOnly, java.io.PrintStream out) throws Exception {
        if (c.modelPath == null) throw new IllegalArgumentException("config: model_path is required");
        if (c.trainData == null) throw new IllegalArgumentException("config: train_data is required");
        var rewards = RewardRegistry.weighted(c.rewardWeights, c.answerMarker); // an unknown name fails before the model loads
        Path dir = Path.of(c.outputDir);
        if (!resume && !planOnly && (!CheckpointManager.steps(dir).isEmpty() || Files.exists(dir.resolve(MetricsLog.METRICS)))) {
            // appending a new run's metrics to an old run's would mix two runs in one log
            throw new IllegalArgumentException("output_dir " + dir + " already holds a run: continue it with --resume, or give "
                    + "another --output_dir");
        }
        CausalLm model = CausalLm.fromPretrained(c.modelPath); // a directory or a hub id
        HfTokenizer tok = model.requireTokenizer();
        ProblemSet data = Datasets.load(c.dataFormat, Path.of(c.trainData));
        PromptBuilder prompts = new PromptBuilder(ChatTemplates.forModelType(model.config().modelType()));
        if (planOnly) {
            TarpoTrainer.Batching b = TarpoTrainer.plan(c, model, data.problems(), p -> prompts.encode(tok, p));
            out.println(b.plan().table());
            out.printf(Locale.ROOT, "rollout_batch_size %d, per_device_train_batch_size %d%n", b.rolloutRows(), b.microBatchRows());
            return 0;
        }
        TarpoTrainer trainer = new TarpoTrainer(c, model, data.problems(), p -> prompts.encode(tok, p),
                rewards, TextDecoder.of(tok, model.config().vocabSize()),
                dir);
        Files.writeString(dir.resolve(CheckpointManager.CONFIG), c.toJson()); // the config that ran, at the top of the run
        if (resume) out.println("resumed at step " + trainer.resume());
        List<StepMetrics> m = trainer.train();
        if (!m.isEmpty()) {
            StepMetrics last = m.get(m.size() - 1);
            out.printf(Locale.ROOT, "done: step %d, reward %.3f, soft ratio %.3f, skipped steps %d; logs and checkpoints in %s%n",
                    last.step(), last.get("reward"), last.get("soft_ratio"), trainer.skippedSteps(), c.outputDir);
        }
        return 0;
    }
}
