package org.tarpo4j.rl.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.LoraConfig;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.decoder.DecoderOptions;
import org.tarpo4j.models.decoder.GraphDecoder;
import org.tarpo4j.models.decoder.StepInput;
import org.tarpo4j.models.decoder.WeightLayout;
import org.tarpo4j.models.hub.HubSettings;
import org.tarpo4j.models.hub.ModelResolver;
import org.tarpo4j.models.io.HalfFloats;
import org.tarpo4j.models.io.SafeTensorsDType;
import org.tarpo4j.models.io.SafeTensorsFile;
import org.tarpo4j.models.latent.LatentHeads;
import org.tarpo4j.models.lora.LoraAdapters;
import org.tarpo4j.rl.RlTestModels;
import org.tarpo4j.rl.export.CheckpointExport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Export of real trainer checkpoints (a short TARPO run with LoRA, a short full fine-tuning run) and the round trips:
 * the adapter directory loads back as an adapter on the base model with identical logits; the merged model loads
 * with {@code fromPretrained} with the logits of base + adapter (float rounding apart), and in bf16 with exactly the
 * logits of the merged weights rounded to bf16.
 */
class CheckpointExportTest {
    private static final int[] IDS = {1, 5, 9, 12, 20, 3, 17, 8};
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private CheckpointExport exporter(long maxShardBytes) {
        // nothing here is a hub id: an unreachable endpoint proves no request is made
        HubSettings s = new HubSettings("http://127.0.0.1:9", null, true, tmp.resolve("hub-cache"), Duration.ofSeconds(1));
        return new CheckpointExport(new ModelResolver(s, null), maxShardBytes);
    }

    /** A LoRA TARPO run of 2 steps from a base model saved in {@code base}; its last checkpoint. */
    private Path loraCheckpoint(Path base) throws Exception {
        RlTestModels.model(3).save(base);
        TarpoConfig c = TrainerTestSupport.config("tarpo", true);
        c.modelPath = base.toString();
        c.maxSteps = 2;
        c.learningRate = 0.05; // adapters far from zero, so merging visibly changes the weights
        Path run = tmp.resolve("run");
        try (CausalLm model = CausalLm.fromPretrained(base)) {
            TrainerTestSupport.trainer(c, model, run).train();
        }
        return CheckpointManager.directory(run, 2);
    }

    private static float[] logits(CausalLm lm) {
        return lm.logits(IDS).dup().data().asFloat();
    }

    private static float[] logitsWithAdapter(Path base, Path adapter) throws Exception {
        try (CausalLm lm = CausalLm.fromPretrained(base)) {
            LoraConfig lora = LoraAdapters.readConfig(adapter);
            LoraAdapters.load(adapter, lm.parameters());
            var graph = lm.buildGraph(DecoderOptions.plain(lm.maxContext()).withLora(lora));
            return new GraphDecoder(graph, 1, List.of()).forward(StepInput.singleRow(IDS, 0)).logits().dup().data().asFloat();
        }
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    @Test
    void aLoraCheckpointExportsAsAPeftAdapterAndAsAMergedModel() throws Exception {
        Path base = tmp.resolve("base");
        Path checkpoint = loraCheckpoint(base);
        float[] trained = logitsWithAdapter(base, checkpoint);
        float[] untouched;
        try (CausalLm lm = CausalLm.fromPretrained(base)) {
            untouched = logits(lm);
        }
        assertTrue(maxAbsDiff(trained, untouched) > 1e-2, "the adapters change the logits: " + maxAbsDiff(trained, untouched));

        // adapter: PEFT files + router, loads back on the base with identical logits
        Path adapter = tmp.resolve("export-adapter");
        CheckpointExport.Result a = exporter(1L << 40).export(checkpoint, adapter, false, SafeTensorsDType.F32);
        assertEquals(CheckpointExport.Format.ADAPTER, a.format());
        assertEquals(Set.of("README.md", LoraAdapters.CONFIG, LoraAdapters.WEIGHTS, LatentHeads.FILE), a.files());
        assertArrayEquals(trained, logitsWithAdapter(base, adapter));
        assertArrayEquals(Files.readAllBytes(checkpoint.resolve(LatentHeads.FILE)), Files.readAllBytes(adapter.resolve(LatentHeads.FILE)));
        JsonNode cfg = JSON.readTree(adapter.resolve(LoraAdapters.CONFIG).toFile());
        assertEquals(base.toAbsolutePath().normalize().toString(), cfg.get("base_model_name_or_path").asText());
        assertTrue(Files.readString(adapter.resolve("README.md")).contains("PeftModel.from_pretrained"));

        // merged, float32: fromPretrained gives the logits of base + adapter up to rounding, and the trained router
        Path merged = tmp.resolve("export-merged");
        CheckpointExport.Result m = exporter(12_000).export(checkpoint, merged, true, SafeTensorsDType.F32); // ~21 kB of weights
        assertEquals(CheckpointExport.Format.MERGED, m.format());
        assertTrue(m.files().containsAll(List.of("config.json", "generation_config.json", "model.safetensors.index.json",
                LatentHeads.FILE, "README.md")), m.files().toString());
        assertTrue(m.files().stream().filter(f -> f.matches("model-\\d{5}-of-\\d{5}\\.safetensors")).count() >= 2, m.files().toString());
        assertFalse(m.files().contains("model.safetensors"));
        float[] mergedLogits;
        try (CausalLm lm = CausalLm.fromPretrained(merged)) {
            mergedLogits = logits(lm);
            try (SafeTensorsFile heads = SafeTensorsFile.open(checkpoint.resolve(LatentHeads.FILE))) {
                for (String h : heads.names()) assertEquals(heads.readFloat(h, true), lm.parameters().get(h), h);
            }
        }
        double err = maxAbsDiff(trained, mergedLogits);
        assertTrue(err < 1e-4, "merged float32 logits differ from base + adapter by " + err);
        assertTrue(Files.readString(merged.resolve("README.md")).contains("ignore this file"));
        assertEquals("float32", JSON.readTree(merged.resolve("config.json").toFile()).get("torch_dtype").asText());

        // merged, bfloat16: exactly the merged float32 weights rounded to bf16
        Path bf16 = tmp.resolve("export-bf16");
        exporter(1L << 40).export(checkpoint, bf16, true, SafeTensorsDType.BF16);
        assertEquals("bfloat16", JSON.readTree(bf16.resolve("config.json").toFile()).get("torch_dtype").asText());
        try (SafeTensorsFile f = SafeTensorsFile.open(bf16.resolve("model-00001-of-00001.safetensors"))) {
            assertEquals(SafeTensorsDType.BF16, f.info("model.embed_tokens.weight").dtype());
        }
        float[] rounded;
        try (CausalLm lm = CausalLm.fromPretrained(merged)) {
            for (String name : WeightLayout.expectedShapes(lm.config()).keySet()) {
                INDArray w = lm.parameters().get(name);
                float[] v = w.dup().data().asFloat();
                for (int i = 0; i < v.length; i++) v[i] = HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(v[i]));
                w.assign(Nd4j.createFromArray(v).reshape(w.shape()));
            }
            rounded = logits(lm);
        }
        float[] bf16Logits;
        try (CausalLm lm = CausalLm.fromPretrained(bf16)) {
            bf16Logits = logits(lm);
        }
        assertArrayEquals(rounded, bf16Logits);
        double bfErr = maxAbsDiff(trained, bf16Logits);
        assertTrue(bfErr > 0 && bfErr < 0.05 * maxAbs(trained), "bf16 rounding moves the logits a little: " + bfErr);
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    @Test
    void aFullFineTuningCheckpointExportsMergedOnly() throws Exception {
        Path base = tmp.resolve("base");
        RlTestModels.model(5).save(base);
        TarpoConfig c = TrainerTestSupport.config("grpo", false);
        c.modelPath = base.toString();
        c.maxSteps = 1;
        Path run = tmp.resolve("run-full");
        try (CausalLm model = CausalLm.fromPretrained(base)) {
            TrainerTestSupport.trainer(c, model, run).train();
        }
        Path checkpoint = CheckpointManager.directory(run, 1);
        IllegalArgumentException noAdapter = assertThrows(IllegalArgumentException.class,
                () -> exporter(1L << 40).export(checkpoint, tmp.resolve("x"), false, SafeTensorsDType.F32));
        assertTrue(noAdapter.getMessage().contains("--merge"), noAdapter.getMessage());
        assertFalse(Files.exists(tmp.resolve("x")));

        Path out = tmp.resolve("export-full");
        exporter(1L << 40).export(checkpoint, out, true, SafeTensorsDType.F32);
        try (CausalLm expected = CausalLm.fromPretrained(checkpoint); CausalLm exported = CausalLm.fromPretrained(out)) {
            assertArrayEquals(logits(expected), logits(exported));
        }
        assertFalse(Files.exists(out.resolve(CheckpointManager.OPTIMIZER)), "trainer state is not part of the export");
    }

    @Test
    void badInputIsRefusedWithAClearErrorAndNothingWritten() throws Exception {
        Path base = tmp.resolve("base");
        Path checkpoint = loraCheckpoint(base);
        Path run = checkpoint.getParent();
        CheckpointExport ex = exporter(1L << 40);

        var runDir = assertThrows(IllegalArgumentException.class, () -> ex.export(run, tmp.resolve("o1"), false, SafeTensorsDType.F32));
        assertTrue(runDir.getMessage().contains("run directory") && runDir.getMessage().contains("checkpoint-2"), runDir.getMessage());
        var none = assertThrows(IllegalArgumentException.class, () -> ex.export(tmp.resolve("nope"), tmp.resolve("o2"), false, SafeTensorsDType.F32));
        assertTrue(none.getMessage().contains("no such checkpoint"), none.getMessage());
        Files.createDirectories(tmp.resolve("full")).resolve("keep.txt").toFile().createNewFile();
        var notEmpty = assertThrows(IllegalArgumentException.class, () -> ex.export(checkpoint, tmp.resolve("full"), false, SafeTensorsDType.F32));
        assertTrue(notEmpty.getMessage().contains("not empty"), notEmpty.getMessage());
        var inside = assertThrows(IllegalArgumentException.class, () -> ex.export(checkpoint, checkpoint.resolve("out"), false, SafeTensorsDType.F32));
        assertTrue(inside.getMessage().contains("outside the checkpoint"), inside.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ex.export(checkpoint, tmp.resolve("o3"), true, SafeTensorsDType.I32));

        // the base model has gone: merging says which base and why, and leaves no output behind
        Files.move(base, tmp.resolve("base-moved"));
        var gone = assertThrows(java.io.IOException.class, () -> ex.export(checkpoint, tmp.resolve("o4"), true, SafeTensorsDType.F32));
        assertTrue(gone.getMessage().contains(base.toAbsolutePath().normalize().toString()) && gone.getMessage().contains("base model"),
                gone.getMessage());
        for (String o : List.of("o1", "o2", "o3", "o4")) assertFalse(Files.exists(tmp.resolve(o)), o);
        try (var s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "no temporary directory left");
        }
    }
}
