package org.tarpo4j.models.training;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.tarpo4j.models.decoder.DecoderGraph;

import java.util.Set;

/**
 * Next-token cross-entropy for supervised fine-tuning: {@code -Σ mask · log p(label) / Σ mask}.
 * Inputs: {@link TokenLogProbs#LABELS} and {@value #LOSS_MASK} FLOAT {@code [B, T]}; output {@value #LOSS}.
 */
public final class LanguageModelLoss {
    public static final String LOSS_MASK = "loss_mask";
    public static final String LOSS = "lm_loss";

    private LanguageModelLoss() {}

    public static SDVariable attach(DecoderGraph model, Set<Integer> bannedIds) {
        SameDiff sd = model.sd();
        TokenLogProbs.Outputs lp = TokenLogProbs.attach(model, 1.0, bannedIds);
        SDVariable mask = sd.reshape(sd.placeHolder(LOSS_MASK, model.parameters().dtype(), -1, -1), -1);
        return lp.logp().mul(mask).sum().neg().div(mask.sum().add(1e-9)).rename(LOSS);
    }
}
