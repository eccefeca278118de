package org.tarpo4j.models.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Named tensors of a checkpoint, whether one safetensors file or a sharded set. Names and infos come from
 * headers validated at open time; data is read only on {@link #readFloat}. Unknown names are caller bugs and
 * raise {@link IllegalArgumentException}.
 */
public interface TensorSource extends AutoCloseable {

    /** Where this source was opened from: the safetensors file, or the index of a sharded checkpoint. */
    Path location();

    /** All tensor names, in a stable order (header order for one file, index order for shards). */
    Set<String> names();

    /** The header entry of a tensor. */
    TensorInfo info(String name);

    /** The safetensors file that holds a tensor. */
    Path fileOf(String name);

    /** {@link #readFloat(String, boolean) readFloat(name, false)}. */
    default INDArray readFloat(String name) throws IOException {
        return readFloat(name, false);
    }

    /**
     * A new float32 array of the tensor's shape, widened from F16/BF16 (exactly) or F32, or narrowed from F64.
     *
     * @param requireFinite reject NaN and infinities, naming the first bad element
     * @throws CheckpointFormatException for a non-float dtype or, when required, a non-finite value
     */
    INDArray readFloat(String name, boolean requireFinite) throws IOException;

    /** Releases the files (mapped memory is released when garbage collected). */
    @Override
    void close();
}
