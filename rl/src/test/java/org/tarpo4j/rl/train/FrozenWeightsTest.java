package org.tarpo4j.rl.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.decoder.WeightLayout;
import org.tarpo4j.models.latent.LatentHeads;
import org.tarpo4j.models.lora.LoraAdapters;
import org.tarpo4j.rl.RlTestModels;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Frozen means free: under LoRA the base weights get no gradient, no optimizer state and no second copy. */
class FrozenWeightsTest {
    @Test
    void aLoraStepHasNoGradientOrOptimizerStateForAFrozenWeight(@TempDir Path tmp) throws Exception {
        TarpoConfig c = TrainerTestSupport.config("tarpo", true);
        CausalLm model = RlTestModels.model(1);
        TarpoTrainer trainer = TrainerTestSupport.trainer(c, model, tmp);
        List<String> trained = trainer.trainable().names();
        for (String name : trained) {
            assertTrue(LoraAdapters.isAdapterParameter(name) || LatentHeads.isHeadParameter(name), name + " trains");
        }
        long adapters = model.parameters().asMap().keySet().stream().filter(LoraAdapters::isAdapterParameter).count();
        assertEquals(adapters + 2, trained.size(), "every adapter and the router's weight and bias");
        // AdamW keeps two moments per trained parameter and nothing for the rest
        assertEquals(2L * trained.size(), trainer.optimizerState().size());
        long moments = trainer.optimizerState().values().stream().mapToLong(INDArray::length).sum();
        assertEquals(2 * trainer.trainable().count(), moments);
        // in the graph the base weights are constants: SameDiff never asks for, keeps or updates their gradients
        var sd = trainer.policy().graph().sd();
        for (String name : WeightLayout.expectedShapes(model.config()).keySet()) {
            assertEquals(VariableType.CONSTANT, sd.getVariable(name).getVariableType(), name);
            assertSame(model.parameters().get(name), sd.getArrForVarName(name), name + " is held by reference, not copied");
        }
        trainer.trainStep(); // and a step runs on them
    }

    @Test
    void theReferenceSharesTheBaseWeightsUnderLoraAndCopiesThemOnceInFullFineTuning(@TempDir Path tmp) throws Exception {
        for (boolean lora : List.of(true, false)) {
            TarpoConfig c = TrainerTestSupport.config("tarpo", lora);
            CausalLm model = RlTestModels.model(1);
            TarpoTrainer trainer = TrainerTestSupport.trainer(c, model, tmp.resolve("lora" + lora));
            var reference = trainer.referenceParameters();
            for (String name : WeightLayout.expectedShapes(model.config()).keySet()) {
                INDArray policy = model.parameters().get(name), ref = reference.get(name);
                if (lora) {
                    assertSame(policy, ref, name + ": the reference is the base with the adapters off");
                } else {
                    assertNotSame(policy, ref, name + ": full fine-tuning trains the policy's copy");
                    assertEquals(policy, ref, name + ": the reference starts as the initial weights");
                }
            }
            for (String name : reference.asMap().keySet()) {
                assertTrue(!LoraAdapters.isAdapterParameter(name), "the reference has no adapters: " + name);
            }
        }
    }
}
