package org.tarpo4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarpo4j.models.DataDirectory;
import org.tarpo4j.models.io.SafeTensorsFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI contract of the foundation commands, on the shared tiny Llama. */
class FoundationCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMPT_IDS = "1,26259,423,5239,29871,29946,29947,9335,567,297,3786,29889";
    private final Path model = DataDirectory.require("models/tiny-random-llama-ortgenai/hf");

    @Test
    void logitsWritesOneF32TensorOfShapeTByV(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("l.safetensors");
        var r = CliRunner.run("logits", "--model", model.toString(), "--ids", PROMPT_IDS, "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        try (SafeTensorsFile f = SafeTensorsFile.open(out)) {
            assertEquals(List.of("logits"), List.copyOf(f.names()));
            assertArrayEquals(new long[]{12, 32000}, f.info("logits").shape());
            assertEquals("F32", f.info("logits").dtype().hfName());
        }
    }

    @Test
    void tokenizePrintsIdsAsJsonOnTheLastLine() throws Exception {
        var r = CliRunner.run("tokenize", "--tokenizer", model.resolve("tokenizer.json").toString(), "--text", "Natalia sold 48 clips in April.");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("[" + PROMPT_IDS + "]", r.lastLine());
        var noSpecial = CliRunner.run("tokenize", "--tokenizer", model.toString(), "--text", "Natalia", "--no-special");
        assertEquals("[26259,423]", noSpecial.lastLine()); // "Natalia" is two pieces, without the BOS
    }

    @Test
    void greedyGenerateMatchesTheReferenceContinuation() throws Exception {
        var r = CliRunner.run("generate", "--model", model.toString(), "--ids", PROMPT_IDS, "--max-new-tokens", "12", "--greedy", "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode o = JSON.readTree(r.lastLine());
        JsonNode ref = JSON.readTree(DataDirectory.require("models/tiny-random-llama-ortgenai/reference/ort_reference.json").toFile());
        assertEquals(ref.get("prompts").get(0).get("greedy_continuation_ids"), o.get("ids"));
        assertTrue(o.get("text").isTextual());
    }

    @Test
    void generateWorksWithoutATokenizerWhenGivenIds(@TempDir Path tmp) throws Exception {
        Path bare = tmp.resolve("bare");
        Files.createDirectories(bare);
        Files.copy(model.resolve("config.json"), bare.resolve("config.json"));
        Files.copy(model.resolve("model.safetensors"), bare.resolve("model.safetensors"));
        var r = CliRunner.run("generate", "--model", bare.toString(), "--ids", "1,2,3", "--max-new-tokens", "4", "--seed", "5", "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode o = JSON.readTree(r.lastLine());
        assertEquals(4, o.get("ids").size());
        assertTrue(o.get("text").isNull());
        var same = CliRunner.run("generate", "--model", bare.toString(), "--ids", "1,2,3", "--max-new-tokens", "4", "--seed", "5", "--json");
        assertEquals(r.lastLine(), same.lastLine());
        var logits = CliRunner.run("logits", "--model", bare.toString(), "--ids", "1,2,3", "--out", tmp.resolve("x.safetensors").toString());
        assertEquals(0, logits.exitCode(), logits.err());
    }

    @Test
    void generateWithAModeReportsEachTokensRoute() throws Exception {
        for (String mode : List.of("tarpo", "grpo", "hrpo")) {
            var r = CliRunner.run("generate", "--model", model.toString(), "--ids", PROMPT_IDS, "--max-new-tokens", "10",
                    "--mode", mode, "--action-bias", "0", "--seed", "3", "--json");
            assertEquals(0, r.exitCode(), mode + ": " + r.err());
            JsonNode o = JSON.readTree(r.lastLine());
            assertEquals(o.get("ids").size(), o.get("routes").size(), mode);
            int soft = 0;
            for (JsonNode x : o.get("routes")) soft += x.asInt();
            if (mode.equals("grpo")) assertEquals(0, soft, "grpo never routes soft");
            if (mode.equals("tarpo")) assertTrue(soft > 0 && soft < 10, "b0 = 0 routes about half soft: " + o.get("routes"));
            if (mode.equals("hrpo")) assertEquals(o.get("routes").size(), soft, "hrpo mixes every step before the marker");
        }
    }

    @Test
    void generateOnACheckpointDecodesAsItsTrainerConfigSays(@TempDir Path tmp) throws Exception {
        Path checkpoint = tmp.resolve("checkpoint-3");
        Files.createDirectories(checkpoint);
        try (var files = Files.list(model)) {
            for (Path f : files.toList()) if (Files.isRegularFile(f)) Files.copy(f, checkpoint.resolve(f.getFileName()));
        }
        var plain = CliRunner.run("generate", "--model", checkpoint.toString(), "--ids", PROMPT_IDS, "--max-new-tokens", "10", "--json");
        assertEquals(0, plain.exitCode(), plain.err());
        assertTrue(JSON.readTree(plain.lastLine()).get("routes") == null, "no trainer config: plain decoding");
        Files.writeString(checkpoint.resolve("trainer_config.json"), "{\"mode\": \"tarpo\", \"action_bias\": 0.0}");
        var routed = CliRunner.run("generate", "--model", checkpoint.toString(), "--ids", PROMPT_IDS, "--max-new-tokens", "10",
                "--seed", "3", "--json");
        assertEquals(0, routed.exitCode(), routed.err());
        JsonNode routes = JSON.readTree(routed.lastLine()).get("routes");
        int soft = 0;
        for (JsonNode x : routes) soft += x.asInt();
        assertTrue(soft > 0 && soft < 10, "the checkpoint's tarpo mode and b0 = 0 route about half soft: " + routes);
        var overridden = CliRunner.run("generate", "--model", checkpoint.toString(), "--ids", PROMPT_IDS, "--max-new-tokens", "10",
                "--mode", "grpo", "--seed", "3", "--json");
        assertEquals(0, overridden.exitCode(), overridden.err());
        for (JsonNode x : JSON.readTree(overridden.lastLine()).get("routes")) assertEquals(0, x.asInt(), "--mode overrides the config");
    }

    @Test
    void badInputGivesAOneLineErrorAndExitCodeOne(@TempDir Path tmp) {
        var r = CliRunner.run("generate", "--model", tmp.toString(), "--ids", "1,2", "--max-new-tokens", "2");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("config.json"), r.err());
        var ids = CliRunner.run("logits", "--model", model.toString(), "--ids", "1,99999", "--out", tmp.resolve("o").toString());
        assertEquals(1, ids.exitCode());
        assertTrue(ids.err().contains("99999"), ids.err());
    }

    @Test
    void aMisspeltOptionIsNamedBeforeAnythingElse() {
        var r = CliRunner.run("generate", "--modle", model.toString(), "--ids", "1,2");
        assertEquals(2, r.exitCode());
        String[] lines = r.err().split("\n");
        assertEquals("Unknown option: '--modle'", lines[0], r.err());
        assertTrue(lines[1].contains("--model"), "suggests the option meant: " + r.err());
        assertTrue(r.err().contains("Missing required option"), "the rest of the report follows: " + r.err());
    }

    @Test
    void anErrorNamesItsCommandOnce() {
        var r = CliRunner.run("generate", "--model", model.toString(), "--ids", "-5", "--max-new-tokens", "2");
        assertEquals(1, r.exitCode());
        assertEquals("generate: error: prompt 0 has token id -5, outside the vocabulary [0, 32000)", r.err().strip());
    }

    @Test
    void aCharacterOutsideACharacterVocabularyIsNamed(@TempDir Path tmp) throws Exception {
        org.tarpo4j.examples.arith.ArithmeticTokenizer.write(tmp);
        var ok = CliRunner.run("tokenize", "--tokenizer", tmp.toString(), "--text", "Compute 2*3.");
        assertEquals(0, ok.exitCode(), ok.err());
        var r = CliRunner.run("tokenize", "--tokenizer", tmp.toString(), "--text", "Compute 2/3.");
        assertEquals(1, r.exitCode());
        assertEquals("tokenize: error: the tokenizer cannot encode the character '/' (U+002F) at offset 9 of the text: it is "
                + "not in its vocabulary, which has no unknown token", r.err().strip());
    }

    @Test
    void trainHelpListsEveryConfigKeyWithItsDefaultAndDescription() {
        var r = CliRunner.run("train", "--help");
        assertEquals(0, r.exitCode());
        String help = r.out().replaceAll("\\s+", " ");
        for (var k : org.tarpo4j.rl.train.TarpoConfig.keys()) {
            assertTrue(help.contains(" " + k.name() + " = " + k.defaultValue() + " " + k.description() + " "),
                    k.name() + " missing from:\n" + r.out());
        }
        for (String line : r.out().split("\n")) assertTrue(line.length() <= 80, "picocli would wrap: " + line);
    }

    @Test
    void everyCommandHasHelp() {
        for (String cmd : List.of("train", "sft", "eval", "compare", "report", "logits", "tokenize", "generate", "bench")) {
            var r = CliRunner.run(cmd, "--help");
            assertEquals(0, r.exitCode(), cmd);
            assertTrue(r.out().contains("Usage: tarpo " + cmd), cmd + ": " + r.out());
        }
    }
}
