package org.tarpo4j.models.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarpo4j.layers.LoraConfig;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.decoder.DecoderOptions;
import org.tarpo4j.models.decoder.TinyModels;
import org.tarpo4j.models.io.CheckpointFormatException;
import org.tarpo4j.models.io.SafeTensorsDType;
import org.tarpo4j.models.io.SafeTensorsFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adapter files are what PEFT writes and reads (checked against PEFT's save_and_load.py and LoraConfig): tensor
 * names {@code base_model.model.<module>.lora_A.weight} without the adapter name, A {@code [r, in]}, B {@code [out, r]},
 * and the config fields {@code PeftModel.from_pretrained} expects, with the plain-LoRA choices explicit.
 */
class LoraAdaptersPeftFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LoraConfig LORA = new LoraConfig(4, 8, Set.of("v_proj", "q_proj", "down_proj"));

    private static CausalLm withAdapters() {
        CausalLm lm = CausalLm.initialise(TinyModels.qwen2Config(), 7, null);
        lm.buildGraph(DecoderOptions.plain(16).withLora(LORA)); // creates the adapter parameters
        return lm;
    }

    @Test
    void tensorNamesAndShapesAreThoseOfPeft(@TempDir Path tmp) throws Exception {
        LoraAdapters.save(tmp, withAdapters().parameters(), LORA, "Qwen/Qwen2.5-0.5B-Instruct@main", SafeTensorsDType.BF16);
        try (SafeTensorsFile f = SafeTensorsFile.open(tmp.resolve(LoraAdapters.WEIGHTS))) {
            List<String> expected = new ArrayList<>();
            for (int layer = 0; layer < 2; layer++) {
                for (String m : List.of("self_attn.q_proj", "self_attn.v_proj", "mlp.down_proj")) {
                    for (String ab : List.of("lora_A", "lora_B")) {
                        expected.add("base_model.model.model.layers." + layer + "." + m + "." + ab + ".weight");
                    }
                }
            }
            assertEquals(new TreeSet<>(expected), new TreeSet<>(f.names()));
            // qwen2Config: hidden 16, 4 heads x 4, 2 KV heads (v_proj out 8), intermediate 24
            assertArrayEquals(new long[]{4, 16}, f.info("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").shape());
            assertArrayEquals(new long[]{16, 4}, f.info("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight").shape());
            assertArrayEquals(new long[]{8, 4}, f.info("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight").shape());
            assertArrayEquals(new long[]{4, 24}, f.info("base_model.model.model.layers.1.mlp.down_proj.lora_A.weight").shape());
            assertEquals(SafeTensorsDType.BF16, f.info("base_model.model.model.layers.1.mlp.down_proj.lora_A.weight").dtype());
            assertEquals(Map.of("format", "pt"), f.metadata());
        }
    }

    @Test
    void theConfigHasPeftsFieldsAndValues(@TempDir Path tmp) throws Exception {
        LoraAdapters.save(tmp, withAdapters().parameters(), LORA, "Qwen/Qwen2.5-0.5B-Instruct@v1.0");
        JsonNode c = JSON.readTree(tmp.resolve(LoraAdapters.CONFIG).toFile());
        assertEquals("LORA", c.get("peft_type").asText());
        assertEquals("CAUSAL_LM", c.get("task_type").asText());
        assertEquals("Qwen/Qwen2.5-0.5B-Instruct", c.get("base_model_name_or_path").asText());
        assertEquals("v1.0", c.get("revision").asText());
        assertTrue(c.get("r").isInt() && c.get("r").asInt() == 4);
        assertTrue(c.get("lora_alpha").isIntegralNumber() && c.get("lora_alpha").asInt() == 8, "PEFT's lora_alpha is an int: " + c.get("lora_alpha"));
        assertEquals(List.of("down_proj", "q_proj", "v_proj"), JSON.convertValue(c.get("target_modules"), List.class));
        assertEquals(0.0, c.get("lora_dropout").asDouble());
        assertEquals("none", c.get("bias").asText());
        for (String f : List.of("use_rslora", "use_dora", "fan_in_fan_out")) assertEquals(false, c.get(f).asBoolean(true), f);
        assertTrue(c.get("inference_mode").asBoolean());
        assertTrue(c.get("modules_to_save").isNull());
        List<String> keys = new ArrayList<>();
        c.fieldNames().forEachRemaining(keys::add);
        List<String> sorted = new ArrayList<>(keys);
        sorted.sort(null);
        assertEquals(sorted, keys, "sorted as PEFT's save_pretrained writes them");

        // a local base is recorded as an absolute path, no revision
        LoraAdapters.save(tmp, withAdapters().parameters(), LORA, "./runs/../warm-start");
        JsonNode local = JSON.readTree(tmp.resolve(LoraAdapters.CONFIG).toFile());
        assertEquals(Path.of("warm-start").toAbsolutePath().toString(), local.get("base_model_name_or_path").asText());
        assertTrue(local.get("revision").isNull());

        LoraConfig back = LoraAdapters.readConfig(tmp);
        assertEquals(LORA, back);
    }

    @Test
    void adaptersPeftCanMakeButWeCannotRunAreRefusedByName(@TempDir Path tmp) throws Exception {
        LoraAdapters.save(tmp, withAdapters().parameters(), LORA, null);
        Path file = tmp.resolve(LoraAdapters.CONFIG);
        String good = Files.readString(file);
        Map<String, String> edits = Map.of(
                "\"use_rslora\" : false", "\"use_rslora\" : true",
                "\"use_dora\" : false", "\"use_dora\" : true",
                "\"bias\" : \"none\"", "\"bias\" : \"all\"",
                "\"modules_to_save\" : null", "\"modules_to_save\" : [ \"lm_head\" ]",
                "\"rank_pattern\" : { }", "\"rank_pattern\" : { \"q_proj\" : 8 }",
                "\"peft_type\" : \"LORA\"", "\"peft_type\" : \"IA3\"",
                "\"r\" : 4", "\"r\" : 4.5");
        for (Map.Entry<String, String> e : edits.entrySet()) {
            assertTrue(good.contains(e.getKey()), e.getKey() + " in " + good);
            Files.writeString(file, good.replace(e.getKey(), e.getValue()));
            CheckpointFormatException ex = assertThrows(CheckpointFormatException.class, () -> LoraAdapters.readConfig(tmp), e.getValue());
            String field = e.getKey().substring(1, e.getKey().indexOf('"', 1));
            assertTrue(ex.getMessage().contains(LoraAdapters.CONFIG) && ex.getMessage().contains(field), ex.getMessage());
        }
        String regex = good.replaceAll("(?s)\"target_modules\" : \\[[^]]*]", "\"target_modules\" : \".*proj\"");
        Files.writeString(file, regex);
        CheckpointFormatException ex = assertThrows(CheckpointFormatException.class, () -> LoraAdapters.readConfig(tmp));
        assertTrue(ex.getMessage().contains("target_modules"), ex.getMessage());
        assertTrue(Arrays.asList(ex.getMessage().split(" ")).contains("expression"), ex.getMessage());
    }
}
