package org.tarpo4j.rl.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.rl.RlTestModels;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.data.PromptEncoder;
import org.tarpo4j.rl.reward.RewardFunction;
import org.tarpo4j.rl.reward.WeightedRewards;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A toy task for trainer tests: the reward is the fraction of 'd' characters (ids 3 and 29) in the completion. */
public final class TrainerTestSupport {
    private TrainerTestSupport() {}

    /** The reward: the share of 'd' characters; Serializable, so Spark's executors score it too. */
    public static final RewardFunction D_FRACTION = new DFraction();

    private static final class DFraction implements RewardFunction, java.io.Serializable {
        private static final long serialVersionUID = 1L;

        @Override public String name() { return "d_fraction"; }

        @Override public double score(String completion, String gold) {
            if (completion.isEmpty()) return 0;
            return completion.chars().filter(ch -> ch == 'd').count() / (double) completion.length();
        }
    }

    static List<Problem> problems() {
        List<Problem> out = new ArrayList<>();
        for (int i = 0; i < 6; i++) out.add(new Problem("p" + i, "prompt " + i, "0", null));
        return out;
    }

    static PromptEncoder encoder() {
        return p -> new int[]{1, 4 + Integer.parseInt(p.id().substring(1)), 12};
    }

    /** The small RL run the trainer tests (and the Spark tests, with their own share sizes) start from. */
    public static TarpoConfig config(String mode, boolean lora) {
        TarpoConfig c = TarpoConfig.defaults(Map.of());
        c.mode = org.tarpo4j.models.latent.LatentMode.parse(mode);
        c.useLora = lora;
        c.loraRank = 2;
        c.loraAlpha = 4;
        c.numGenerations = 4;
        c.promptsPerStep = 2;
        c.maxCompletionLength = 8;
        c.maxSteps = 4;
        c.learningRate = 1e-2;
        c.actionLearningRate = 1e-2;
        c.beta = 0.05;
        c.temperature = 1.0;
        c.topK = 0;
        c.warmupRatio = 0;
        c.maxGradNorm = 1.0;
        c.saveSteps = 0;
        c.logCompletionsSteps = 1;
        c.actionBias = 0.0;           // plenty of soft steps
        c.answerMarker = "@@";
        c.bannedTokenIds = List.of(0, 1);
        c.rewardWeights = new LinkedHashMap<>(Map.of("d_fraction", 1.0));
        c.validate();
        return c;
    }

    static TarpoTrainer trainer(TarpoConfig c, CausalLm model, Path dir) throws IOException {
        return new TarpoTrainer(c, model, problems(), encoder(), WeightedRewards.of(D_FRACTION), RlTestModels.text(), dir);
    }

    static Map<String, INDArray> snapshot(CausalLm model) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        model.parameters().asMap().forEach((k, v) -> m.put(k, v.dup()));
        return m;
    }
}
