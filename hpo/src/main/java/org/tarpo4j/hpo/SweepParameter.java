package org.tarpo4j.hpo;

import org.tarpo4j.rl.train.TarpoConfig;

import java.util.Arrays;
import java.util.function.ObjDoubleConsumer;
import java.util.stream.Collectors;

/** The trainer settings a sweep can vary, each with the way a sampled value is written into a {@link TarpoConfig}. */
public enum SweepParameter {
    /** The router's initial hard log-odds b0; clears {@code initial_hard_probability}, which would otherwise win. */
    ACTION_BIAS("action_bias", false, (c, v) -> {
        c.actionBias = v;
        c.initialHardProbability = null;
    }),
    /** The router's initial P(hard); the trainer derives b0 = logit(p). */
    INITIAL_HARD_PROBABILITY("initial_hard_probability", false, (c, v) -> c.initialHardProbability = v),
    /** The KL penalty β. */
    BETA("beta", false, (c, v) -> c.beta = v),
    /** The router's learning rate. */
    ACTION_LEARNING_RATE("action_learning_rate", false, (c, v) -> c.actionLearningRate = v),
    /** k of the soft top-k mixture. */
    SOFT_TOP_K("soft_top_k", true, (c, v) -> c.softTopK = (int) Math.round(v)),
    /** λ, the weight of the router's loss term. */
    ACTION_LOSS_WEIGHT("action_loss_weight", false, (c, v) -> c.actionLossWeight = v);

    private final String key;
    private final boolean integer;
    private final ObjDoubleConsumer<TarpoConfig> setter;

    SweepParameter(String key, boolean integer, ObjDoubleConsumer<TarpoConfig> setter) {
        this.key = key;
        this.integer = integer;
        this.setter = setter;
    }

    /** @return the trainer config key (snake_case), also the name in sweep files and results */
    public String key() { return key; }

    /** @return whether values are whole numbers */
    public boolean integer() { return integer; }

    /** @return whether this parameter sets the router's initial bias (the heat map's x axis) */
    public boolean routerBias() { return this == ACTION_BIAS || this == INITIAL_HARD_PROBABILITY; }

    /**
     * Writes {@code value} into {@code config} (no validation: the caller validates the finished config).
     *
     * @param config the config to change
     * @param value  the sampled value
     */
    public void apply(TarpoConfig config, double value) { setter.accept(config, value); }

    /**
     * By key ({@code action_bias}; {@code action-bias} on a command line is the same key).
     *
     * @param name the key
     * @return the parameter
     * @throws IllegalArgumentException for an unknown key, listing the known ones
     */
    public static SweepParameter byKey(String name) {
        String wanted = name.replace('-', '_');
        for (SweepParameter p : values()) if (p.key.equals(wanted)) return p;
        throw new IllegalArgumentException("unknown sweep parameter '" + name + "' (known: "
                + Arrays.stream(values()).map(SweepParameter::key).collect(Collectors.joining(", ")) + ")");
    }
}
