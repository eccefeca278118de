package org.tarpo4j.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ops.impl.reduce.MmulBp;
import org.tarpo4j.layers.core.Graph;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.layers.gradcheck.FiniteDifferenceCheck;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinearTest {
    @Test
    void usesHuggingFaceWeightLayoutOutByIn() {
        Graph g = TestGraphs.doubleGraph(1);
        SDVariable x = g.sd().placeHolder("x", DataType.DOUBLE, -1, 2);
        SDVariable y = new Linear(g, "p", 2, 3, true, null).forward(x);
        assertArrayEquals(new long[]{3, 2}, g.parameters().get("p.weight").shape());
        g.parameters().get("p.weight").assign(org.nd4j.linalg.factory.Nd4j.createFromArray(new double[][]{{1, 2}, {3, 4}, {5, 6}}));
        g.parameters().get("p.bias").assign(org.nd4j.linalg.factory.Nd4j.createFromArray(0.5, 0, -1));
        INDArray out = y.eval(Map.of("x", org.nd4j.linalg.factory.Nd4j.createFromArray(new double[][]{{1, -1}})));
        assertArrayEquals(new double[]{-0.5, -1, -2}, out.toDoubleVector(), 1e-12);
    }

    @Test
    void freshLoraAdapterLeavesOutputUnchangedAndTrainsBothMatrices() {
        LoraConfig lora = new LoraConfig(2, 4, Set.of("q_proj"));
        Graph g = TestGraphs.doubleGraph(1);
        SDVariable x = g.sd().placeHolder("x", DataType.DOUBLE, -1, 3);
        SDVariable y = new Linear(g, "q_proj", 3, 4, false, lora).forward(x);
        INDArray in = TestGraphs.randn(2, 5, 3);
        INDArray base = in.mmul(g.parameters().get("q_proj.weight").transpose());
        assertEquals(0.0, y.eval(Map.of("x", in)).sub(base).amaxNumber().doubleValue(), 1e-15);
        // B starts at zero: perturb it so that the gradient of A is not trivially zero
        g.parameters().get("q_proj.lora_B.weight").assign(TestGraphs.randn(3, 4, 2));
        INDArray a = g.parameters().get("q_proj.lora_A.weight"), b = g.parameters().get("q_proj.lora_B.weight");
        INDArray expected = base.add(in.mmul(a.transpose()).mmul(b.transpose()).mul(lora.scale()));
        assertEquals(0.0, y.eval(Map.of("x", in)).sub(expected).amaxNumber().doubleValue(), 1e-12);
        TestGraphs.weightedSumLoss(g, y, new long[]{5, 4}, 4);
        TestGraphs.assertGradientsMatch(g, Map.of("x", in));
    }

    @Test
    void frozenBaseWeightsGetNoBackwardGemmAndAdaptersStillGetExactGradients() {
        // two adapted projections on frozen weights: the first adapter's gradient passes through the second's frozen
        // weight, so its input gradient must be right while its weight gradient is never computed
        LoraConfig lora = new LoraConfig(2, 4, Set.of("q_proj", "o_proj"));
        Graph g = Graph.create(new Parameters(DataType.DOUBLE, 3), name -> name.contains(".lora_"));
        SDVariable x = g.sd().placeHolder("x", DataType.DOUBLE, -1, 3);
        SDVariable h = new Linear(g, "q_proj", 3, 4, true, lora).forward(x);
        SDVariable y = new Linear(g, "o_proj", 4, 5, false, lora).forward(h.mul(h));
        for (String b : new String[]{"q_proj.lora_B.weight", "o_proj.lora_B.weight"}) {
            g.parameters().get(b).assign(TestGraphs.randn(b.length(), g.parameters().get(b).shape()));
        }
        TestGraphs.weightedSumLoss(g, y, new long[]{6, 5}, 4);
        Map<String, INDArray> in = Map.of("x", TestGraphs.randn(5, 6, 3));
        List<String> adapters = g.parameters().asMap().keySet().stream().filter(n -> n.contains(".lora_")).toList();
        var check = FiniteDifferenceCheck.check(g, in, "loss", adapters, 12, 1e-6, 1e-5, 1e-9, 7);
        assertTrue(check.passed() && check.checked() > 0, check.toString());

        SameDiff backward = g.sd().getFunction("grad"); // M2.1 builds the backward pass as the function "grad"
        long backwardGemmsOnFrozenWeights = backward.getOps().values().stream()
                .map(SameDiffOp::getOp)
                .filter(op -> op instanceof MmulBp)
                .filter(op -> Arrays.stream(op.args()).anyMatch(a -> a.getVariableType() == VariableType.CONSTANT))
                .count();
        long backwardGemmsOnAdapters = backward.getOps().values().stream()
                .map(SameDiffOp::getOp).filter(op -> op instanceof MmulBp).count();
        assertEquals(0, backwardGemmsOnFrozenWeights);
        assertEquals(4, backwardGemmsOnAdapters); // x·Aᵀ and low·Bᵀ of each adapter
    }

    @Test
    void rejectsUnknownLoraTargets() {
        assertThrows(IllegalArgumentException.class, () -> new LoraConfig(4, 8, Set.of("qkv")));
        assertThrows(IllegalArgumentException.class, () -> new LoraConfig(0, 8, Set.of("q_proj")));
    }
}
