package org.tarpo4j.rl;

import org.tarpo4j.layers.RopeScaling;
import org.tarpo4j.layers.tarpo.RouterConfig;
import org.tarpo4j.layers.tarpo.SoftInputConfig;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.generation.SamplingConfig;
import org.tarpo4j.models.latent.LatentMode;
import org.tarpo4j.rl.policy.Policy;
import org.tarpo4j.rl.rollout.RolloutConfig;
import org.tarpo4j.rl.rollout.TextDecoder;

import java.util.List;
import java.util.Set;

/** A tiny random Qwen2-shaped policy and a toy text mapping for rollout tests (id 0 = pad, 1 = bos, 2 = eos). */
public final class RlTestModels {
    public static final int VOCAB = 31;

    private RlTestModels() {}

    public static ModelConfig config() {
        return new ModelConfig("qwen2", 16, 2, 4, 2, 4, 32, VOCAB, 1e-6, 10000.0, RopeScaling.NONE, 128,
                true, true, false, false, 1, List.of(2), 0, "float32");
    }

    /** Weights scaled up from the 0.02 init so the distribution is far from uniform. */
    public static CausalLm model(long seed) {
        CausalLm lm = CausalLm.initialise(config(), seed, null);
        lm.parameters().asMap().forEach((k, v) -> { if (!k.endsWith("norm.weight")) v.muli(12); });
        return lm;
    }

    public static Policy policy(CausalLm lm, LatentMode mode, double actionBias) {
        return new Policy(lm, mode, new SoftInputConfig(4, true), RouterConfig.withActionBias(actionBias), null);
    }

    /** ids ≡ 0 (mod 7) print as '#', others as a letter; the marker '#' thus appears now and then. */
    public static TextDecoder text() {
        return new TextDecoder() {
            @Override public String token(int id) { return id % 7 == 0 ? "#" : String.valueOf((char) ('a' + id % 26)); }
            @Override public String decode(int[] ids) {
                StringBuilder b = new StringBuilder();
                for (int id : ids) b.append(token(id));
                return b.toString();
            }
        };
    }

    public static RolloutConfig rollout(int g, int maxLen, String marker) {
        return new RolloutConfig(g, SamplingConfig.sample(1.0, 0, 1.0), maxLen, false, marker, Set.of(2), Set.of(0, 1), 0);
    }

    public static List<int[]> prompts() {
        return List.of(new int[]{1, 5, 9, 12}, new int[]{1, 20}, new int[]{1, 3, 4, 8, 16, 23, 11}, new int[]{1, 13, 6});
    }
}
