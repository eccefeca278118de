package org.tarpo4j.examples.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.layers.core.Graph;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.layers.gradcheck.FiniteDifferenceCheck;
import org.tarpo4j.layers.tarpo.HybridEmbeddingMixer;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TARPO layers in a graph of the user's own: inputs, gradients and the saved graph, each against a reference. */
class TarpoLayersInYourGraphTest {
    private static final String TABLE = "my_embedding.weight";

    @Test
    void theMixedStepTakesTokensOrMixturesAndTheSavedGraphGivesTheSameOutputs(@TempDir Path tmp) throws Exception {
        TarpoLayersInYourGraph.Report r = TarpoLayersInYourGraph.run(new Parameters(DataType.FLOAT, 1), 5, tmp.resolve("g.sd"));
        int[] routes = r.routes();
        assertTrue(java.util.Arrays.stream(routes).anyMatch(x -> x == 0) && java.util.Arrays.stream(routes).anyMatch(x -> x == 1),
                "a mixed step: " + java.util.Arrays.toString(routes));

        // the mixed input, row by row from the initial table (a fresh graph with the same seed has the same arrays)
        INDArray table = TarpoLayersInYourGraph.build(new Parameters(DataType.FLOAT, 1)).parameters().get(TABLE);
        int[][] tokens = r.stepInputs().get(TarpoLayersInYourGraph.TOKENS).toIntMatrix();
        INDArray ids = r.stepInputs().get(HybridEmbeddingMixer.SOFT_IDS), weights = r.stepInputs().get(HybridEmbeddingMixer.SOFT_WEIGHTS);
        Set<Integer> usedRows = new TreeSet<>();
        for (int row = 0; row < TarpoLayersInYourGraph.ROWS; row++) {
            INDArray expected;
            if (routes[row] == 0) {
                expected = table.getRow(tokens[row][0]);
                usedRows.add(tokens[row][0]);
            } else {
                expected = table.getRow(0).mul(0);
                for (int j = 0; j < TarpoLayersInYourGraph.TOP_K; j++) {
                    int id = ids.getInt(row, 0, j);
                    expected.addi(table.getRow(id).mul(weights.getDouble(row, 0, j)));
                    usedRows.add(id);
                }
            }
            assertArrayEquals(expected.toFloatVector(), r.mixedInput().getRow(row).toFloatVector(), 1e-6f, "row " + row);
        }

        // the table's gradient reaches exactly the rows the step read
        INDArray grad = r.gradients().get(TABLE);
        Set<Integer> nonZero = new TreeSet<>();
        for (int v = 0; v < TarpoLayersInYourGraph.VOCAB; v++) if (grad.getRow(v).amaxNumber().doubleValue() > 0) nonZero.add(v);
        assertEquals(usedRows, nonZero);
        assertTrue(r.gradients().keySet().containsAll(Set.of("my_router.weight", "my_router.bias", "my_layer.weight", "my_head.weight")));

        assertTrue(r.lossAfter() < r.lossBefore(), r.lossBefore() + " -> " + r.lossAfter());
        assertEquals(0.0, r.maxDifferenceAfterReload(), 1e-6, "plain SameDiff.load runs the saved graph");
    }

    @Test
    void gradientsOfTheUsersGraphMatchFiniteDifferences(@TempDir Path tmp) throws Exception {
        TarpoLayersInYourGraph.Report r = TarpoLayersInYourGraph.run(new Parameters(DataType.DOUBLE, 1), 5, tmp.resolve("g.sd"));
        Graph g = TarpoLayersInYourGraph.build(new Parameters(DataType.DOUBLE, 2));
        Map<String, INDArray> in = new HashMap<>(r.stepInputs());
        var check = FiniteDifferenceCheck.check(g, in, TarpoLayersInYourGraph.LOSS, g.parameters().asMap().keySet(), 12, 1e-6, 1e-5, 1e-9, 4);
        assertTrue(check.passed(), check.toString());
        long entries = g.parameters().asMap().values().stream().mapToLong(a -> Math.min(12, a.length())).sum();
        assertEquals(entries, check.checked(), "every parameter checked: " + g.parameters().asMap().keySet());
        assertEquals(6, g.parameters().asMap().size());
    }

    @Test
    void mainPrintsOneLine(@TempDir Path tmp) throws Exception {
        String printed = SharedModels.stdoutOf(() -> TarpoLayersInYourGraph.main(new String[]{tmp.resolve("g.sd").toString()}));
        assertEquals(1, printed.strip().split("\n").length, printed);
        assertTrue(printed.startsWith("routes [") && printed.contains("reloaded outputs differ by 0"), printed);
    }
}
