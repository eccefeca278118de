package org.tarpo4j.tests;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.tarpo.ActionHeadRouter;
import org.tarpo4j.layers.tarpo.HybridEmbeddingMixer;
import org.tarpo4j.layers.tarpo.RouterConfig;
import org.tarpo4j.layers.tarpo.SoftInputConfig;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.decoder.DecoderGraph;
import org.tarpo4j.models.latent.LatentHeads;
import org.tarpo4j.models.latent.LatentMode;
import org.tarpo4j.models.zoo.Llama31;
import org.tarpo4j.rl.policy.Policy;

import java.io.File;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The router on a loaded Hugging Face model: what it adds, how it is saved and restored, and the graph's reuse. */
class LatentHeadsPersistenceTest {
    @Test
    void attachingTheRouterAddsOnlyItsVariablesAndASavedOneIsRestored(@TempDir Path tmp) throws Exception {
        CausalLm lm = Llama31.fromPretrained(TinyLlamaFixture.hfDir());
        Set<String> before = new HashSet<>(lm.parameters().asMap().keySet());
        new Policy(lm, LatentMode.TARPO, SoftInputConfig.defaults(), RouterConfig.withActionBias(2.2), null);
        Set<String> added = new HashSet<>(lm.parameters().asMap().keySet());
        added.removeAll(before);
        assertEquals(Set.of(LatentHeads.ROUTER + ".weight", LatentHeads.ROUTER + ".bias"), added);
        assertArrayEquals(new double[]{2.2, 0}, lm.parameters().get(LatentHeads.ROUTER + ".bias").toDoubleVector(), 1e-6);

        lm.parameters().get(LatentHeads.ROUTER + ".bias").assign(Nd4j.createFromArray(1.5f, -0.25f)); // "trained"
        Path saved = tmp.resolve("with-router");
        lm.save(saved);
        CausalLm back = CausalLm.fromPretrained(saved);
        new Policy(back, LatentMode.TARPO, SoftInputConfig.defaults(), RouterConfig.withActionBias(4.6), null);
        assertArrayEquals(new double[]{1.5, -0.25}, back.parameters().get(LatentHeads.ROUTER + ".bias").toDoubleVector(), 1e-6,
                "a checkpoint with a router restores it; the configured initialisation is for checkpoints without one");
        assertEquals(lm.parameters().get(LatentHeads.ROUTER + ".weight"), back.parameters().get(LatentHeads.ROUTER + ".weight"));
        // the backbone stays a plain Hugging Face checkpoint: the router lives in its own file
        assertTrue(Llama31.fromPretrained(saved).parameters().asMap().keySet().containsAll(before));
    }

    @Test
    void aSavedPolicyGraphRunsInPlainSameDiffFromItsDocumentedNames(@TempDir Path tmp) throws Exception {
        CausalLm lm = Llama31.fromPretrained(TinyLlamaFixture.hfDir());
        Policy policy = new Policy(lm, LatentMode.TARPO, new SoftInputConfig(3, true), RouterConfig.withActionBias(0.5), null);
        File file = tmp.resolve("tarpo-llama.sd").toFile();
        policy.graph().sd().save(file, false);

        // what a user of the saved file writes: documented placeholders in, documented outputs out
        int[][] ids = {{1, 26259, 423, 5239}};
        Map<String, INDArray> in = policy.graph().sequenceInputs(ids, new int[][]{{0, 1, 2, 3}}, new int[][]{{1, 1, 1, 1}});
        in.put(HybridEmbeddingMixer.SOFT_IDS, Nd4j.createFromArray(new int[][][]{{{0, 0, 0}, {0, 0, 0}, {9, 12, 40}, {0, 0, 0}}}));
        in.put(HybridEmbeddingMixer.SOFT_WEIGHTS, Nd4j.createFromArray(new float[][][]{{{0, 0, 0}, {0, 0, 0}, {0.5f, 0.3f, 0.2f}, {0, 0, 0}}}));
        in.put(HybridEmbeddingMixer.ROUTES, Nd4j.createFromArray(new float[][]{{0, 0, 1, 0}}));
        List<String> outs = List.of(DecoderGraph.LOGITS, ActionHeadRouter.LOGITS, DecoderGraph.HIDDEN_STATES);

        Map<String, INDArray> expected = policy.graph().sd().output(in, outs);
        Map<String, INDArray> actual = SameDiff.load(file, false).output(in, outs);
        for (String o : outs) assertEquals(0.0, expected.get(o).sub(actual.get(o)).amaxNumber().doubleValue(), 1e-6, o);
        assertArrayEquals(new long[]{4, 2}, actual.get(ActionHeadRouter.LOGITS).shape());
    }
}
