package org.tarpo4j.layers.core;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** HostArrays reads the logical elements, whatever the layout, type or view of the array. */
class HostArraysTest {
    private static final float[][] VALUES = {{1.5f, -2f, 3f}, {4f, 5.25f, -6f}};

    @Test
    void readsRowMajorColumnMajorViewsAndOtherTypesAlike() {
        INDArray rowMajor = Nd4j.createFromArray(VALUES);
        INDArray columnMajor = rowMajor.dup('f');
        INDArray view = Nd4j.vstack(Nd4j.zeros(DataType.FLOAT, 1, 3), rowMajor).get(NDArrayIndex.interval(1, 3), NDArrayIndex.all());
        INDArray transposedView = rowMajor.transpose().dup('c').transpose();
        for (INDArray a : new INDArray[]{rowMajor, columnMajor, view, transposedView, rowMajor.castTo(DataType.DOUBLE)}) {
            assertArrayEquals(VALUES, HostArrays.floatMatrix(a));
            assertArrayEquals(new float[]{1.5f, -2f, 3f, 4f, 5.25f, -6f}, HostArrays.floats(a), 0f);
        }
        INDArray ids = Nd4j.createFromArray(new long[][]{{7, 8}, {9, 10}});
        assertArrayEquals(new int[][]{{7, 8}, {9, 10}}, HostArrays.intMatrix(ids));
        assertArrayEquals(new int[]{7, 9, 8, 10}, HostArrays.ints(ids.transpose()));
        assertThrows(IllegalArgumentException.class, () -> HostArrays.intMatrix(Nd4j.createFromArray(1, 2, 3)));
        // rows of no columns (a latent input of width 0)
        assertArrayEquals(new float[][]{{}, {}}, HostArrays.floatMatrix(Nd4j.create(DataType.FLOAT, 2, 0)));
    }
}
