package org.tarpo4j.models.decoder.fast;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code y = x Wᵀ + s·(x Aᵀ) Bᵀ} ({@code y +=} when accumulating), bound once: a projection with its LoRA adapter
 * beside it rather than merged into a copy of W, so the decoder holds no weight of its own and sees every update.
 * Without an adapter it is the plain {@link Projection}.
 */
final class AdaptedProjection {
    private final Projection base, down, up;   // down/up: null without an adapter

    /** @param low an {@code [N, r]} scratch buffer for {@code x Aᵀ} (shared: projections run one after another) */
    AdaptedProjection(INDArray x, INDArray w, FastWeights.Adapter adapter, INDArray y, boolean accumulate, INDArray low) {
        this.base = new Projection(x, w, y, accumulate);
        this.down = adapter == null ? null : new Projection(x, adapter.a(), low, false);
        this.up = adapter == null ? null : new Projection(low, adapter.b(), y, adapter.scale(), true);
    }

    void run() {
        base.run();
        if (down != null) {
            down.run();
            up.run();
        }
    }
}
