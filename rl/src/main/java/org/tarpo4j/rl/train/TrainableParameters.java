package org.tarpo4j.rl.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.models.latent.LatentHeads;
import org.tarpo4j.models.lora.LoraAdapters;
import org.tarpo4j.models.training.AdamW;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which parameters train, in two optimiser groups: the backbone (LoRA adapters only, or every weight in full
 * fine-tuning; embeddings and LM head are frozen under LoRA) at the base learning rate, and the latent heads (router,
 * HRPO gate), always fully trained, at their own rate.
 */
record TrainableParameters(Map<String, INDArray> backbone, Map<String, INDArray> heads) {
    static TrainableParameters select(Parameters all, boolean lora) {
        Map<String, INDArray> backbone = new LinkedHashMap<>(), heads = new LinkedHashMap<>();
        all.asMap().forEach((name, array) -> {
            if (LatentHeads.isHeadParameter(name)) heads.put(name, array);
            else if (!lora || LoraAdapters.isAdapterParameter(name)) backbone.put(name, array);
        });
        return new TrainableParameters(backbone, heads);
    }

    List<String> names() {
        List<String> n = new ArrayList<>(backbone.keySet());
        n.addAll(heads.keySet());
        return n;
    }

    /** The number of trainable values. */
    long count() {
        long n = 0;
        for (INDArray a : backbone.values()) n += a.length();
        for (INDArray a : heads.values()) n += a.length();
        return n;
    }

    AdamW optimizer(TarpoConfig c) {
        List<AdamW.Group> groups = new ArrayList<>();
        groups.add(new AdamW.Group("backbone", backbone, c.learningRate, c.weightDecay));
        if (!heads.isEmpty()) groups.add(new AdamW.Group("heads", heads, c.actionLearningRate, c.weightDecay));
        return new AdamW(groups, c.adamBeta1, c.adamBeta2, c.adamEpsilon);
    }
}
