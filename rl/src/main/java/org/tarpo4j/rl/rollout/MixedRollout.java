package org.tarpo4j.rl.rollout;

import org.tarpo4j.models.decoder.IncrementalDecoder;
import org.tarpo4j.models.generation.ContextWindow;
import org.tarpo4j.models.generation.DecodeLoop;
import org.tarpo4j.models.generation.PromptBatch;
import org.tarpo4j.models.generation.Rng;
import org.tarpo4j.models.latent.LatentMode;
import org.tarpo4j.models.memory.MemoryPlan;
import org.tarpo4j.rl.policy.Completion;
import org.tarpo4j.rl.policy.Policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Samples G completions per prompt with mixed (hard/soft) inputs, all B·G rows advancing together through one
 * KV-cached decode step per token (the method's §4), in {@link DecodeLoop}, the loop plain generation uses too:
 * <ol>
 *   <li>the step's logits and router logits come from the same hidden state;</li>
 *   <li>a token is always sampled from the processed distribution p_t and always appended to the text;</li>
 *   <li>a route is sampled from the router (prompt positions are hard; once the completion contains the answer
 *       marker every later route is hard, the step that emits it is still routed freely);</li>
 *   <li>the next input is the soft embedding of p_t's top-k on a soft route, else the token's embedding.</li>
 * </ol>
 * In {@code hrpo} mode every reasoning step (before the marker) takes the gated mixture; in {@code grpo} mode every
 * input is hard and this is plain sampling. Token and route log-probs are computed exactly as the training forward
 * computes them.
 *
 * <p>Internal: public for the other modules of tarpo4j, may change without notice.
 */
public final class MixedRollout {
    private final Policy policy;
    private final RolloutConfig config;
    private final TextDecoder text;
    private final boolean hiddenSoftInputs; // soft input = the step's hidden state (COCONUT-style) instead of top-k

    public MixedRollout(Policy policy, RolloutConfig config, TextDecoder text) {
        this.policy = policy;
        this.config = config;
        this.text = text;
        this.hiddenSoftInputs = policy.inputs().latentVectors() && policy.mode() == LatentMode.TARPO;
        if ((config.thoughts() != null) != (policy.mode() == LatentMode.COCONUT)) {
            throw new IllegalArgumentException("continuous thoughts need the coconut mode, and it needs them");
        }
    }

    public RolloutConfig config() { return config; }

    /** {@link #generate(List, long)} with the seed drawn from {@code rng}. */
    public List<Completion> generate(List<int[]> prompts, Rng rng) {
        return generate(prompts, rng.nextLong());
    }

    /**
     * G completions for each prompt, prompt-major: completions {@code [i·G, (i+1)·G)} answer prompt i. Completion
     * {@code (i, j)} samples from its own stream, {@link Rng#forRow}{@code (seed, i, j)}, so it is the same whether it is
     * decoded with the others or in a batch of {@link RolloutConfig#batchRows} rows. Refused before anything runs: a
     * prompt id outside the vocabulary, a prompt that leaves no room for {@code maxCompletionLength} tokens in the
     * model's context, and a batch whose estimated memory exceeds ND4J's limit.
     */
    public List<Completion> generate(List<int[]> prompts, long seed) {
        return generate(prompts, null, seed);
    }

    /**
     * {@link #generate(List, long)} for some of a step's prompts: prompt {@code k} of the list is prompt
     * {@code promptIndices[k]} of the step, which is what its completions' streams and {@link Completion#promptIndex()}
     * depend on; so a step cut into parts (one per Spark executor) samples exactly what it samples in one piece.
     *
     * @param prompts       the prompts' ids
     * @param promptIndices each prompt's index in its step, or null for 0, 1, 2, ...
     * @param seed          the step's seed
     * @return G completions per prompt, prompt-major
     */
    public List<Completion> generate(List<int[]> prompts, int[] promptIndices, long seed) {
        if (promptIndices != null && promptIndices.length != prompts.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + promptIndices.length + " prompt indices");
        }
        int g = config.numGenerations();
        RolloutConfig.ContinuousThoughts thoughts = config.thoughts();
        int newPositions = config.maxCompletionLength() + (thoughts == null ? 0 : thoughts.count() + 2); // <bot> L <eot>
        PromptBatch.requireValidIds(prompts, policy.model().config().vocabSize(), "rollout");
        new ContextWindow(policy.model().maxContext()).requireRoom(prompts, newPositions, "rollout");
        int total = prompts.size() * g;
        int perBatch = config.batchRows() == 0 ? total : Math.min(config.batchRows(), total);
        int longest = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
        MemoryPlan.generation(policy.model().config(), perBatch, longest, newPositions,
                policy.model().parameters().count()).requireWithinLimit();
        List<DecodeLoop.Row> rows = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            int[] p = prompts.get(i);
            int[] prompt = thoughts == null ? p : Arrays.copyOf(p, p.length + 1);
            if (thoughts != null) prompt[p.length] = thoughts.beginId(); // COCONUT: the prompt ends with <bot>
            int index = promptIndices == null ? i : promptIndices[i];
            for (int k = 0; k < g; k++) rows.add(new DecodeLoop.Row(rows.size(), prompt, Rng.forRow(seed, index, k)));
        }
        DecodeLoop loop = loop(new Markers(total));
        for (int start = 0; start < total; start += perBatch) decode(loop, rows.subList(start, Math.min(total, start + perBatch)));
        List<Completion> completions = new ArrayList<>();
        for (DecodeLoop.Row row : rows) {
            int i = row.id() / g;
            completions.add(completion(row, promptIndices == null ? i : promptIndices[i]));
        }
        return completions;
    }

    private DecodeLoop loop(DecodeLoop.Marker marker) {
        RolloutConfig.ContinuousThoughts thoughts = config.thoughts();
        DecodeLoop.Settings settings = new DecodeLoop.Settings(config.sampling(), config.maxCompletionLength(),
                config.stopTokenIds(), config.bannedTokenIds(), config.padTokenId(), true);
        DecodeLoop.Routing routing = new DecodeLoop.Routing(policy.mode(), policy.router().temperature(), config.greedyRouting());
        return new DecodeLoop(policy.inputs(), routing, settings,
                thoughts == null ? null : new DecodeLoop.Thoughts(thoughts.count(), thoughts.endId()), marker,
                policy.model().config().vocabSize());
    }

    /** Samples the completions of {@code rows} together, with a decoder sized for them. */
    private void decode(DecodeLoop loop, List<DecodeLoop.Row> rows) {
        int thoughtSteps = config.thoughts() == null ? 0 : config.thoughts().count() + 1;
        int width = rows.stream().mapToInt(r -> r.prompt().length).max().orElse(0);
        try (IncrementalDecoder decoder = policy.decoder(rows.size(), width + thoughtSteps + config.maxCompletionLength())) {
            loop.run(decoder, rows);
        }
    }

    private Completion completion(DecodeLoop.Row row, int promptIndex) {
        int[] tokens = row.tokens();
        return new Completion(promptIndex, tokens, row.routes(), row.softIds(), row.softWeights(),
                hiddenSoftInputs ? row.latentInputs() : null, row.tokenLogProbs(), row.routeLogProbs(), row.stopped(),
                text == null ? null : text.decode(tokens), row.tokenEntropies());
    }

    /** Each row's answer marker, watched in its text as it grows (never seen without a text decoder). */
    private final class Markers implements DecodeLoop.Marker {
        private final MarkerDetector[] detectors;

        Markers(int rows) {
            detectors = new MarkerDetector[rows];
            for (int i = 0; i < rows; i++) detectors[i] = new MarkerDetector(config.answerMarker());
        }

        @Override
        public boolean seen(int id) { return detectors[id].seen(); }

        @Override
        public void append(int id, int token) {
            if (text != null) detectors[id].append(text.token(token));
        }
    }
}
