package org.tarpo4j.models.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Opens Hugging Face checkpoint directories and loads exactly the tensors a model expects. */
public final class Checkpoint {
    /** The single-file checkpoint name. */
    public static final String SINGLE_FILE = "model.safetensors";
    /** The index of a sharded checkpoint. */
    public static final String INDEX_FILE = "model.safetensors.index.json";
    /** Names listed in full in an error message before "and N more". */
    private static final int LISTED_NAMES = 20;

    private Checkpoint() {}

    /**
     * Opens {@code modelDir}: the shards named by {@code model.safetensors.index.json} if it exists (all validated
     * against the index), else {@code model.safetensors}.
     *
     * @throws CheckpointFormatException if neither exists, or anything is malformed or inconsistent
     */
    public static TensorSource open(Path modelDir) throws IOException {
        Path index = modelDir.resolve(INDEX_FILE);
        if (Files.exists(index)) return ShardedCheckpoint.open(index);
        Path single = modelDir.resolve(SINGLE_FILE);
        if (Files.exists(single)) return SafeTensorsFile.open(single);
        throw new CheckpointFormatException(modelDir + ": no " + SINGLE_FILE + " or " + INDEX_FILE
                + (Files.isDirectory(modelDir) ? "" : " (not a directory)"));
    }

    /** {@link #loadExactly(TensorSource, Map, boolean) loadExactly(src, expectedShapes, false)}. */
    public static Map<String, INDArray> loadExactly(TensorSource src, Map<String, long[]> expectedShapes) throws IOException {
        return loadExactly(src, expectedShapes, false);
    }

    /**
     * Reads every tensor as float32, after checking, before any data is read, that the checkpoint holds exactly the
     * expected names with exactly the expected shapes. All problems found are reported together. On any failure
     * nothing is returned.
     *
     * @return an unmodifiable map in {@code expectedShapes} order
     */
    public static Map<String, INDArray> loadExactly(TensorSource src, Map<String, long[]> expectedShapes,
            boolean requireFinite) throws IOException {
        checkNamesAndShapes(src, expectedShapes);
        Map<String, INDArray> loaded = new LinkedHashMap<>();
        try {
            for (String name : expectedShapes.keySet()) loaded.put(name, src.readFloat(name, requireFinite));
        } catch (IOException | RuntimeException ex) {
            // free native memory now rather than at some later GC
            loaded.values().forEach(a -> {
                if (a.closeable()) a.close();
            });
            throw ex;
        }
        return Collections.unmodifiableMap(loaded);
    }

    private static void checkNamesAndShapes(TensorSource src, Map<String, long[]> expected) throws CheckpointFormatException {
        Set<String> actual = src.names();
        List<String> missing = new ArrayList<>();
        List<String> wrongShape = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            String name = e.getKey();
            if (!actual.contains(name)) {
                missing.add("'" + name + "'");
                continue;
            }
            long[] shape = src.info(name).shape();
            if (!Arrays.equals(shape, e.getValue())) {
                wrongShape.add("tensor '" + name + "' in " + src.fileOf(name).getFileName() + " has shape "
                        + Arrays.toString(shape) + " but " + Arrays.toString(e.getValue()) + " is expected");
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String name : actual) {
            if (!expected.containsKey(name)) unexpected.add("'" + name + "' (in " + src.fileOf(name).getFileName() + ")");
        }
        List<String> problems = new ArrayList<>();
        if (!missing.isEmpty()) problems.add("missing tensors (" + missing.size() + "): " + abbreviate(missing));
        if (!unexpected.isEmpty()) problems.add("unexpected tensors (" + unexpected.size() + "): " + abbreviate(unexpected));
        if (!wrongShape.isEmpty()) problems.add(abbreviate(wrongShape));
        if (!problems.isEmpty()) throw new CheckpointFormatException(src.location() + ": " + String.join("; ", problems));
    }

    private static String abbreviate(List<String> items) {
        if (items.size() <= LISTED_NAMES) return String.join(", ", items);
        return String.join(", ", items.subList(0, LISTED_NAMES)) + " and " + (items.size() - LISTED_NAMES) + " more";
    }
}
