package org.tarpo4j.models.training;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/** Global-norm clipping, as {@code torch.nn.utils.clip_grad_norm_}. */
public final class GradientClipping {
    private GradientClipping() {}

    /** The L2 norm over all gradients together (NaN or infinite if any entry is). */
    public static double globalNorm(Map<String, INDArray> gradients) {
        double sq = 0;
        for (INDArray g : gradients.values()) {
            double n = g.norm2Number().doubleValue();
            sq += n * n;
        }
        return Math.sqrt(sq);
    }

    /** Scales every gradient by {@code maxNorm / norm} when the norm exceeds maxNorm; returns the norm before clipping. */
    public static double clip(Map<String, INDArray> gradients, double maxNorm) {
        double norm = globalNorm(gradients);
        if (maxNorm > 0 && norm > maxNorm && Double.isFinite(norm)) {
            double scale = maxNorm / (norm + 1e-6);
            gradients.values().forEach(g -> g.muli(scale));
        }
        return norm;
    }
}
