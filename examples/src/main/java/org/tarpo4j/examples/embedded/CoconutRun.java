package org.tarpo4j.examples.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.tarpo4j.examples.arith.ArithmeticTokenizer;
import org.tarpo4j.layers.tarpo.RouterConfig;
import org.tarpo4j.layers.tarpo.SoftInputConfig;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.latent.LatentMode;
import org.tarpo4j.models.tokenizer.HfTokenizer;
import org.tarpo4j.rl.coconut.CoconutTrainer;
import org.tarpo4j.rl.coconut.Curriculum;
import org.tarpo4j.rl.coconut.CurriculumRun;
import org.tarpo4j.rl.coconut.ReasoningExample;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.policy.Policy;
import org.tarpo4j.rl.rollout.RolloutConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * COCONUT on the embedded task: from the chain-of-thought warm start (stage 0), three curriculum stages replace the
 * first 1, 2, 3 reasoning steps by 2, 4, 6 continuous thoughts (optimiser reset between stages); the held-out split is
 * evaluated before (plain chain of thought) and after (6 thoughts, then the language tokens). Writes the same
 * {@value EmbeddedRun#SUMMARY} as the RL runs, and a {@code metrics.jsonl} of the supervised steps.
 */
public final class CoconutRun {
    public static final Curriculum CURRICULUM = Curriculum.paper(ArithmeticTokenizer.BOT_ID, ArithmeticTokenizer.EOT_ID);
    private static final ObjectMapper JSON = new ObjectMapper();

    private CoconutRun() {}

    /** The reference solution split into steps at ", " (each keeping its separator); the answer is " #### N" + eos. */
    public static ReasoningExample example(EmbeddedTask task, Problem p) {
        HfTokenizer tok = task.tokenizer();
        String ref = p.reference();
        int marker = ref.indexOf(" ####");
        String[] parts = ref.substring(0, marker).split("(?<=, )");
        List<int[]> steps = new ArrayList<>();
        for (String s : parts) steps.add(tok.encode(s, false));
        int[] answer = tok.encode(ref.substring(marker), false);
        int[] withEos = java.util.Arrays.copyOf(answer, answer.length + 1);
        withEos[answer.length] = ArithmeticTokenizer.EOS_ID;
        return new ReasoningExample(task.prompts().encode(p), steps, withEos);
    }

    /** One line of {@code metrics.jsonl}: step, stage, loss and mean thoughts. */
    private static void appendMetrics(Path metrics, CurriculumRun.Step step) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step.step());
        m.put("stage", step.stage());
        m.put("loss", step.loss());
        m.put("thoughts", step.thoughts());
        try {
            Files.writeString(metrics, JSON.writeValueAsString(m) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(metrics + ": cannot append", e);
        }
    }

    public static Map<String, Object> run(EmbeddedTask task, Path warmStart, Path runDir, long seed) throws IOException {
        EmbeddedPreset p = task.preset();
        Files.createDirectories(runDir);
        CausalLm model = CausalLm.fromPretrained(warmStart);
        List<Problem> eval = task.heldOut(p.evalProblems());
        Policy policy = new Policy(model, LatentMode.COCONUT, SoftInputConfig.defaults(), RouterConfig.defaults(), null);
        RolloutConfig.ContinuousThoughts thoughts = new RolloutConfig.ContinuousThoughts(CURRICULUM.evaluationThoughts(),
                CURRICULUM.beginId(), CURRICULUM.endId());

        long t0 = System.nanoTime();
        // before: the warm start as it is, plain chain of thought (no thoughts, no latent inputs)
        Policy plain = new Policy(model, LatentMode.GRPO, SoftInputConfig.defaults(), RouterConfig.defaults(), null);
        TaskEvaluation.Accuracy before = TaskEvaluation.evaluate(task, plain, eval, p.evalSamples(), null, null);
        long t1 = System.nanoTime();
        CoconutTrainer trainer = new CoconutTrainer(model, CoconutTrainer.config(p.coconutBatch(), p.coconutLearningRate(),
                Set.copyOf(EmbeddedTask.BANNED)));
        Iterator<Problem> stream = task.trainingStream(seed + 1000);
        Path metrics = runDir.resolve("metrics.jsonl");
        Files.deleteIfExists(metrics);
        int steps = CurriculumRun.run(trainer, CURRICULUM, p.coconutStepsPerStage(), p.coconutBatch(),
                () -> example(task, stream.next()), step -> appendMetrics(metrics, step));
        long t2 = System.nanoTime();
        TaskEvaluation.Accuracy after = TaskEvaluation.evaluate(task, policy, eval, p.evalSamples(), thoughts, null);
        long t3 = System.nanoTime();

        Map<String, Object> s = new LinkedHashMap<>();
        s.put("mode", "coconut");
        s.put("seed", seed);
        s.put("preset", p.name());
        s.put("coconut_steps", steps);
        s.put("thoughts", thoughts.count());
        s.put("before", EmbeddedRun.accuracy(before));
        s.put("after", EmbeddedRun.accuracy(after));
        s.put("time_s", Map.of("eval_before", (t1 - t0) / 1e9, "train", (t2 - t1) / 1e9, "eval_after", (t3 - t2) / 1e9));
        Files.writeString(runDir.resolve(EmbeddedRun.SUMMARY), JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(s));
        return s;
    }
}
