package org.tarpo4j.cli;

import org.tarpo4j.examples.embedded.PresetOverrides;
import picocli.CommandLine.Option;

/**
 * The embedded task's and model's knobs (a picocli mixin): each unset keeps the preset's value. Options are spelt
 * snake_case as the config keys (TRL's and Hugging Face's names where they exist), or kebab-case as the other options.
 */
final class TaskKnobs {
    @Option(names = {"--operations"}, paramLabel = "N|MIN-MAX",
            description = "operations per problem, e.g. 4-5 (default: the preset's; 2-3 in the default preset)")
    String operations;

    @Option(names = {"--max_operand", "--max-operand"}, description = "operands are drawn from 1..N "
            + "(default: the preset's; 9 in the default preset)")
    Integer maxOperand;

    @Option(names = {"--hidden_size", "--hidden-size"}, description = "model width d; heads stay, the MLP keeps its ratio to d "
            + "(default: the preset's; 64 in the default preset)")
    Integer hiddenSize;

    @Option(names = {"--num_hidden_layers", "--num-hidden-layers"}, description = "model depth "
            + "(default: the preset's; 2 in the default preset)")
    Integer numHiddenLayers;

    @Option(names = {"--action_bias", "--action-bias"}, description = "the router's initial bias b0 "
            + "(default: the preset's; 2.2 in the default preset)")
    Double actionBias;

    @Option(names = {"--soft_top_k", "--soft-top-k"}, description = "k of the soft input's top-k mixture "
            + "(default: the preset's; 10 in the default preset)")
    Integer softTopK;

    @Option(names = {"--max_steps", "--max-steps"}, description = "RL steps per run "
            + "(default: the preset's; 150 in the default preset)")
    Integer maxSteps;

    @Option(names = {"--sft_max_steps", "--sft-max-steps"}, description = "cap on the warm start's supervised steps "
            + "(default: the preset's; 1000 in the default preset)")
    Integer sftMaxSteps;

    PresetOverrides overrides() {
        int[] ops = operations == null ? null : operationRange(operations);
        return new PresetOverrides(ops == null ? null : ops[0], ops == null ? null : ops[1], maxOperand, hiddenSize, numHiddenLayers,
                actionBias, softTopK, maxSteps, sftMaxSteps);
    }

    /** {@code "4"} is 4..4, {@code "4-5"} is 4..5. */
    static int[] operationRange(String text) {
        String[] parts = text.strip().split("-", -1);
        try {
            if (parts.length == 1) {
                int n = Integer.parseInt(parts[0]);
                return new int[]{n, n};
            }
            if (parts.length == 2) return new int[]{Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException("--operations: expected N or MIN-MAX (e.g. 4-5), got '" + text + "'");
    }
}
