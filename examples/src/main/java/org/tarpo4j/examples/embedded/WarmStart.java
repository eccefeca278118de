package org.tarpo4j.examples.embedded;

import org.tarpo4j.layers.tarpo.RouterConfig;
import org.tarpo4j.layers.tarpo.SoftInputConfig;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.latent.LatentMode;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.policy.Policy;
import org.tarpo4j.rl.progress.ProgressReporter;
import org.tarpo4j.rl.sft.SftConfig;
import org.tarpo4j.rl.sft.SftExample;
import org.tarpo4j.rl.sft.SftTrainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The supervised warm start: a fresh model trained on chain-of-thought examples until its sampled held-out accuracy
 * first reaches the preset's target (checked every few hundred steps after a minimum), or the step cap. The result
 * is a Hugging Face model directory, reused by later runs when it already exists.
 */
public final class WarmStart {
    private WarmStart() {}

    public record Result(Path model, int steps, double sampledAccuracy, boolean reused) {}

    public static Result ensure(EmbeddedTask task, Path dir, long seed) throws IOException {
        if (Files.isRegularFile(dir.resolve("config.json"))) return new Result(dir, -1, Double.NaN, true);
        return train(task, dir, seed);
    }

    public static Result train(EmbeddedTask task, Path dir, long seed) throws IOException {
        EmbeddedPreset p = task.preset();
        CausalLm model = task.newModel(seed);
        SftTrainer sft = new SftTrainer(model, new SftConfig(p.sftBatch(), p.sftLearningRate(), p.sftWarmup(), 0.01, 0.9, 0.98,
                1.0, Set.copyOf(EmbeddedTask.BANNED)), p.sftMaxSteps());
        Iterator<Problem> stream = task.trainingStream(seed);
        List<Problem> earlyStop = task.heldOut(p.earlyStopProblems());
        double accuracy = Double.NaN, loss = Double.NaN;
        int step = 0;
        try (sft; ProgressReporter progress = new ProgressReporter("sft", p.sftMaxSteps(), 0)) {
            while (step < p.sftMaxSteps()) {
                List<SftExample> batch = new ArrayList<>(p.sftBatch());
                for (int i = 0; i < p.sftBatch(); i++) batch.add(task.example(stream.next()));
                loss = sft.step(batch);
                step++;
                if (step >= p.sftMinSteps() && (step - p.sftMinSteps()) % p.sftEvalEvery() == 0) {
                    Policy plain = new Policy(model, LatentMode.GRPO, SoftInputConfig.defaults(), RouterConfig.defaults(), null);
                    accuracy = TaskEvaluation.sampledAccuracy(task, plain, earlyStop, p.earlyStopSamples());
                    if (accuracy >= p.sftTarget()) {
                        progress.advance(String.format(Locale.ROOT, "loss %.3f sampled %.3f: target reached", loss, accuracy));
                        break;
                    }
                }
                progress.advance(String.format(Locale.ROOT, "loss %.3f%s", loss,
                        Double.isNaN(accuracy) ? "" : String.format(Locale.ROOT, " sampled %.3f", accuracy)));
            }
        }
        model.save(dir);
        return new Result(dir, step, accuracy, false);
    }
}
