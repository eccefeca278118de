package org.tarpo4j.layers.core;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.imports.converters.DifferentialFunctionClassHolder;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code y = x Wᵀ} for a frozen weight (a graph constant, e.g. a base weight under LoRA), whose backward computes
 * only {@code dL/dx}. M2.1's matmul backward ({@code MmulBp}) always computes {@code dL/dW} as well: a GEMM as large
 * as the forward one, and a {@code [out, in]} array, for a weight that takes no gradient.
 *
 * <p>It runs libnd4j's {@code matmul} under its synonym {@code gemm}. SameDiff builds the backward pass on a copy of
 * the graph whose ops are cloned by serialising them, which finds the class by op name: the synonym is registered to
 * this class once (ND4J has no public registry for it), so the copy keeps this backward.
 *
 * <p>Internal: public for the other modules of tarpo4j, may change without notice.
 */
public final class FrozenWeightMmul extends Mmul {
    private static final String OP_NAME = "gemm";

    static {
        register();
    }

    /** For ND4J's deserialisation; use {@link #apply}. */
    public FrozenWeightMmul() {}

    private FrozenWeightMmul(SameDiff sd, SDVariable x, SDVariable frozenWeight) {
        super(sd, x, frozenWeight, false, true, false);
    }

    /**
     * The projection.
     *
     * @param sd           the graph
     * @param x            {@code [N, in]}
     * @param frozenWeight {@code [out, in]}, a constant
     * @return {@code [N, out]}
     */
    public static SDVariable apply(SameDiff sd, SDVariable x, SDVariable frozenWeight) {
        return new FrozenWeightMmul(sd, x, frozenWeight).outputVariable();
    }

    @Override
    public String opName() {
        return OP_NAME;
    }

    /** Only the input's gradient: {@code dx = dy · W}, {@code [N, out] · [out, in] = [N, in]}. */
    @Override
    public List<SDVariable> doDiff(List<SDVariable> gradients) {
        return List.of(sameDiff.mmul(gradients.get(0), arg(1)));
    }

    // Every name of matmul's hash keeps the class it resolved to (Mmul); only the synonym resolves to this class.
    @SuppressWarnings("unchecked")
    private static void register() {
        var descriptors = Nd4j.getExecutioner().getCustomOperations();
        long hash = descriptors.get("matmul").getHash();
        if (descriptors.get(OP_NAME) == null || descriptors.get(OP_NAME).getHash() != hash) {
            throw new IllegalStateException("libnd4j has no '" + OP_NAME + "' synonym of matmul");
        }
        DifferentialFunctionClassHolder holder = DifferentialFunctionClassHolder.getInstance();
        try {
            Field field = DifferentialFunctionClassHolder.class.getDeclaredField("customOpHashToClasses");
            field.setAccessible(true);
            var byHash = (Map<Long, Map<String, Class<?>>>) field.get(holder);
            Map<String, Class<?>> byName = new HashMap<>();
            descriptors.forEach((name, d) -> {
                if (d.getHash() == hash) byName.put(name, holder.customOpClassForHashAndName(hash, name));
            });
            byName.put(OP_NAME, FrozenWeightMmul.class);
            byHash.put(hash, byName); // once, in this class's initialiser (ND4J's own map is not synchronised either)
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot register " + FrozenWeightMmul.class.getSimpleName()
                    + " with this ND4J version", e);
        }
    }
}
