package org.tarpo4j.models.latent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.LoraConfig;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.layers.tarpo.RouterConfig;
import org.tarpo4j.layers.tarpo.SoftInputConfig;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.decoder.DecoderOptions;
import org.tarpo4j.models.decoder.TinyModels;
import org.tarpo4j.models.io.CheckpointFormatException;
import org.tarpo4j.models.io.SafeTensorsDType;
import org.tarpo4j.models.io.SafeTensorsFile;
import org.tarpo4j.models.io.SafeTensorsWriter;
import org.tarpo4j.models.lora.LoraAdapters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Latent heads and LoRA adapters load all or nothing: a bad tensor anywhere leaves every parameter as it was. */
class LatentHeadsTest {
    private static final LoraConfig LORA = new LoraConfig(2, 4, Set.of("q_proj", "v_proj"));

    /** A model whose parameters include the heads of {@code mode} and LoRA adapters. */
    private static CausalLm withHeads(long seed, LatentMode mode) {
        CausalLm lm = CausalLm.initialise(TinyModels.qwen2Config(), seed, null);
        DecoderOptions base = DecoderOptions.plain(64).withLora(LORA);
        lm.buildGraph(LatentHeads.options(lm.config(), base, mode, SoftInputConfig.defaults(), RouterConfig.withActionBias(1.0)));
        lm.parameters().asMap().forEach((k, v) -> { if (k.contains(".lora_B.")) v.assign(Nd4j.rand(v.dataType(), v.shape())); });
        return lm;
    }

    private static Map<String, INDArray> snapshot(Parameters p) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        p.asMap().forEach((k, v) -> m.put(k, v.dup()));
        return m;
    }

    private static Map<String, INDArray> read(Path file) throws IOException {
        Map<String, INDArray> out = new LinkedHashMap<>();
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            for (String n : f.names()) out.put(n, f.readFloat(n));
        }
        return out;
    }

    private static void assertUnchanged(Map<String, INDArray> before, Parameters after) {
        assertEquals(before.keySet(), after.asMap().keySet());
        before.forEach((k, v) -> assertEquals(v, after.get(k), k + " changed"));
    }

    @Test
    void expectedShapesAreTheShapesTheHeadsCreate() {
        for (LatentMode mode : new LatentMode[]{LatentMode.TARPO, LatentMode.HRPO}) {
            CausalLm lm = withHeads(1, mode);
            Map<String, long[]> expected = LatentHeads.expectedShapes(lm.config());
            int heads = 0;
            for (var e : lm.parameters().asMap().entrySet()) {
                if (!LatentHeads.isHeadParameter(e.getKey())) continue;
                heads++;
                assertTrue(expected.containsKey(e.getKey()), mode + ": " + e.getKey() + " unknown");
                assertArrayEquals(expected.get(e.getKey()), e.getValue().shape(), e.getKey());
            }
            assertTrue(heads >= 2, mode + " created no heads");
        }
    }

    @Test
    void aHeadOfTheWrongShapeChangesNothing(@TempDir Path tmp) throws IOException {
        withHeads(1, LatentMode.TARPO).save(tmp);
        Map<String, INDArray> heads = read(tmp.resolve(LatentHeads.FILE));
        INDArray bias = heads.get("action_head.bias");
        heads.put("action_head.bias", Nd4j.concat(0, bias, bias)); // [4] where [2] belongs; saved last
        SafeTensorsWriter.write(tmp.resolve(LatentHeads.FILE), heads, SafeTensorsDType.F32, Map.of());

        CausalLm target = withHeads(2, LatentMode.TARPO);
        Map<String, INDArray> before = snapshot(target.parameters());
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> target.loadWeightsFrom(tmp));
        assertTrue(e.getMessage().contains("'action_head.bias'") && e.getMessage().contains("[4]"), e.getMessage());
        assertUnchanged(before, target.parameters());
        assertThrows(CheckpointFormatException.class, () -> CausalLm.fromPretrained(tmp));
    }

    @Test
    void aTensorThatIsNoHeadIsRejected(@TempDir Path tmp) throws IOException {
        withHeads(1, LatentMode.TARPO).save(tmp);
        Map<String, INDArray> heads = read(tmp.resolve(LatentHeads.FILE));
        heads.put("action_head.extra", Nd4j.ones(2));
        SafeTensorsWriter.write(tmp.resolve(LatentHeads.FILE), heads, SafeTensorsDType.F32, Map.of());
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> CausalLm.fromPretrained(tmp));
        assertTrue(e.getMessage().contains("'action_head.extra'"), e.getMessage());
    }

    @Test
    void aBrokenAdapterChangesNothing(@TempDir Path tmp) throws IOException {
        CausalLm source = withHeads(1, LatentMode.TARPO);
        LoraAdapters.save(tmp, source.parameters(), LORA, "base");
        Path file = tmp.resolve(LoraAdapters.WEIGHTS);
        Map<String, INDArray> adapters = read(file);
        String last = adapters.keySet().stream().reduce((a, b) -> b).orElseThrow();
        adapters.get(last).putScalar(0, Double.NaN);
        SafeTensorsWriter.write(file, adapters, SafeTensorsDType.F32, Map.of());

        CausalLm target = withHeads(2, LatentMode.TARPO);
        Map<String, INDArray> before = snapshot(target.parameters());
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> LoraAdapters.load(tmp, target.parameters()));
        assertTrue(e.getMessage().contains(last), e.getMessage());
        assertUnchanged(before, target.parameters());

        adapters.get(last).putScalar(0, 0.5);
        adapters.put(last, adapters.get(last).transpose().dup()); // [2, 8] where [8, 2] belongs
        SafeTensorsWriter.write(file, adapters, SafeTensorsDType.F32, Map.of());
        e = assertThrows(CheckpointFormatException.class, () -> LoraAdapters.load(tmp, target.parameters()));
        assertTrue(e.getMessage().contains(last) && e.getMessage().contains("shape"), e.getMessage());
        assertUnchanged(before, target.parameters());
    }
}
