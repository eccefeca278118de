package org.tarpo4j.models.decoder.fast;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Vector API kernel against ND4J's GEMM ({@code y = α x Wᵀ + β y}, computed in double on the host as the
 * reference): every row count it takes, an odd number of W rows, an input width that is not a multiple of the SIMD
 * width, views as x (a column range, rows strided), W (a row range, offset) and y (column-major), and accumulation.
 */
class VectorProjectionTest {
    @Test
    void theJvmUnderTestHasTheVectorApi() {
        // surefire starts the tests with --add-modules jdk.incubator.vector, as ./tarpo does: else this kernel is never run
        assertTrue(Projection.VECTOR_API);
    }

    @Test
    void equalsTheProductForEveryRowCountOddShapesAndViews() {
        for (int rows = 1; rows <= VectorProjection.ROWS; rows++) {
            for (int[] shape : new int[][]{{37, 29}, {64, 48}, {5, 3}, {33, 1}}) {
                int in = shape[0], out = shape[1];
                INDArray wide = Nd4j.rand(DataType.FLOAT, rows, in + 7).subi(0.5);
                INDArray x = wide.get(NDArrayIndex.all(), NDArrayIndex.interval(3, 3 + in));   // rows strided by in + 7
                INDArray tall = Nd4j.rand(DataType.FLOAT, out + 4, in).subi(0.5);
                INDArray w = tall.get(NDArrayIndex.interval(2, 2 + out), NDArrayIndex.all());  // offset by two rows
                for (boolean accumulate : new boolean[]{false, true}) {
                    for (char order : new char[]{'c', 'f'}) {
                        INDArray y = Nd4j.rand(DataType.FLOAT, order, rows, out);
                        double[][] expected = reference(x, w, y, 0.75, accumulate);
                        new VectorProjection(x, w, y, 0.75, accumulate).run();
                        String what = rows + " rows, " + in + " -> " + out + ", accumulate " + accumulate + ", y " + order;
                        for (int r = 0; r < rows; r++) {
                            for (int j = 0; j < out; j++) assertEquals(expected[r][j], y.getDouble(r, j), 1e-5, what);
                        }
                    }
                }
            }
        }
    }

    @Test
    void aLargeWeightSplitOverThreadsGivesTheSameProduct() {
        // 301 × 1000 floats (1.2 MB): split into three parts of 100, 100 and 101 rows, each its own buffer
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 1000).subi(0.5), w = Nd4j.rand(DataType.FLOAT, 301, 1000).subi(0.5);
        INDArray y = Nd4j.rand(DataType.FLOAT, 3, 301);
        double[][] expected = reference(x, w, y, 1.0, true);
        new VectorProjection(x, w, y, 1.0, true, 3).run();
        for (int r = 0; r < 3; r++) for (int j = 0; j < 301; j++) assertEquals(expected[r][j], y.getDouble(r, j), 1e-4, r + ", " + j);
    }

    @Test
    void readsOpenMpsThreadCount() {
        assertEquals(3, VectorProjection.threads("3"));
        int all = Runtime.getRuntime().availableProcessors();
        for (String unset : new String[]{null, "", "0", "-2", "four"}) assertEquals(all, VectorProjection.threads(unset), unset);
    }

    @Test
    void runsAgainOnNewContentsOfTheSameArrays() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 40), w = Nd4j.rand(DataType.FLOAT, 24, 40), y = Nd4j.create(DataType.FLOAT, 3, 24);
        VectorProjection p = new VectorProjection(x, w, y, 1.0, false);
        p.run();
        x.assign(Nd4j.rand(DataType.FLOAT, 3, 40));
        w.muli(2);
        p.run();
        INDArray expected = x.mmul(w.transpose());
        assertTrue(expected.equalsWithEps(y, 1e-4), "read at run time, not bound time");
    }

    @Test
    void takesOnlyWhatItCanRead() {
        INDArray w = Nd4j.rand(DataType.FLOAT, 8, 16);
        assertTrue(VectorProjection.fits(Nd4j.rand(DataType.FLOAT, 4, 16), w, Nd4j.create(DataType.FLOAT, 4, 8)));
        assertFalse(VectorProjection.fits(Nd4j.rand(DataType.FLOAT, 5, 16), w, Nd4j.create(DataType.FLOAT, 5, 8)), "5 rows");
        assertFalse(VectorProjection.fits(Nd4j.rand(DataType.FLOAT, 2, 16), w.dup('f'),
                Nd4j.create(DataType.FLOAT, 2, 8)), "a column-major W");
        assertFalse(VectorProjection.fits(Nd4j.rand(DataType.DOUBLE, 2, 16), w.castTo(DataType.DOUBLE),
                Nd4j.create(DataType.DOUBLE, 2, 8)), "float64");
        assertFalse(VectorProjection.fits(Nd4j.rand(DataType.FLOAT, 'f', 2, 16), w, Nd4j.create(DataType.FLOAT, 2, 8)),
                "x with strided rows");
        assertThrows(IllegalArgumentException.class,
                () -> new VectorProjection(Nd4j.rand(DataType.FLOAT, 2, 16), w, Nd4j.create(DataType.FLOAT, 2, 9), 1.0, false));
    }

    /** {@code α x Wᵀ (+ y)} in double, element by element. */
    private static double[][] reference(INDArray x, INDArray w, INDArray y, double alpha, boolean accumulate) {
        int rows = (int) x.size(0), in = (int) x.size(1), out = (int) w.size(0);
        double[][] r = new double[rows][out];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < out; j++) {
                double s = 0;
                for (int k = 0; k < in; k++) s += x.getDouble(i, k) * w.getDouble(j, k);
                r[i][j] = alpha * s + (accumulate ? y.getDouble(i, j) : 0);
            }
        }
        return r;
    }
}
