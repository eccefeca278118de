package org.tarpo4j.tests.fuzz;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.LoraConfig;
import org.tarpo4j.layers.RopeScaling;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.layers.tarpo.RouterConfig;
import org.tarpo4j.layers.tarpo.SoftInputConfig;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.config.ConfigException;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.decoder.DecoderOptions;
import org.tarpo4j.models.io.Checkpoint;
import org.tarpo4j.models.io.CheckpointFormatException;
import org.tarpo4j.models.io.SafeTensorsDType;
import org.tarpo4j.models.io.SafeTensorsFile;
import org.tarpo4j.models.io.SafeTensorsWriter;
import org.tarpo4j.models.latent.LatentHeads;
import org.tarpo4j.models.latent.LatentMode;
import org.tarpo4j.models.lora.LoraAdapters;
import org.tarpo4j.models.tokenizer.HfTokenizer;
import org.tarpo4j.models.tokenizer.TokenizerFormatException;
import org.tarpo4j.tests.ChatTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Malformed model directories, loaded whole ({@link CausalLm#fromPretrained}) and into a model that already exists
 * ({@link CausalLm#loadWeightsFrom}, {@link LoraAdapters#load}). A load into an existing model must fail without
 * changing any of its parameters: a partially loaded model is a failure even when the error is clear.
 */
final class ModelDirectoryFuzz implements AutoCloseable {
    static final String CATEGORY = "model directory";
    private static final String WEIGHTS = Checkpoint.SINGLE_FILE;

    private final Path base, adapterBase;
    private final CausalLm target;      // the model loads go into: other weights than base's, same shapes
    private final List<String> backbone, heads, adapters;

    private ModelDirectoryFuzz(Path base, Path adapterBase, CausalLm target, List<String> backbone, List<String> heads,
                               List<String> adapters) {
        this.base = base;
        this.adapterBase = adapterBase;
        this.target = target;
        this.backbone = backbone;
        this.heads = heads;
        this.adapters = adapters;
    }

    static ModelConfig config() {
        return new ModelConfig("qwen2", 8, 1, 2, 1, 4, 16, ChatTokenizer.SIZE, 1e-6, 10000.0, RopeScaling.NONE, 64, true, true,
                false, false, null, List.of(ChatTokenizer.IM_END_ID), ChatTokenizer.PAD_ID, "float32");
    }

    /** A TARPO model with LoRA adapters: its latent heads and adapters exist as parameters. */
    private static CausalLm tarpoModel(long seed, HfTokenizer tokenizer, LoraConfig lora) {
        CausalLm lm = CausalLm.initialise(config(), seed, tokenizer);
        DecoderOptions options = new DecoderOptions(lora, 64, org.tarpo4j.models.decoder.ModelInputs.TOKENS, List.of());
        lm.buildGraph(LatentHeads.options(lm.config(), options, LatentMode.TARPO, SoftInputConfig.defaults(),
                RouterConfig.withActionBias(2.0)));
        // non-zero LoRA B, so that saved adapters differ from a fresh model's
        lm.parameters().asMap().forEach((k, v) -> { if (k.contains(".lora_B.")) v.assign(Nd4j.rand(v.dataType(), v.shape())); });
        return lm;
    }

    /** Builds the valid base directories under {@code dir} and the target model. */
    static ModelDirectoryFuzz create(Path dir) throws IOException {
        Path tokenizerDir = ChatTokenizer.write(dir.resolve("tokenizer"));
        LoraConfig lora = new LoraConfig(2, 4, java.util.Set.of("q_proj", "v_proj"));
        try (HfTokenizer tok = HfTokenizer.load(tokenizerDir)) {
            CausalLm source = tarpoModel(1, tok, lora);
            Path base = dir.resolve("base");
            source.save(base);
            Path adapterBase = Files.createDirectories(dir.resolve("adapter-base"));
            LoraAdapters.save(adapterBase, source.parameters(), lora, base.toString());
            CausalLm target = tarpoModel(2, null, lora);
            List<String> backbone = names(base.resolve(WEIGHTS)), heads = names(base.resolve(LatentHeads.FILE));
            List<String> adapters = names(adapterBase.resolve(LoraAdapters.WEIGHTS));
            return new ModelDirectoryFuzz(base, adapterBase, target, backbone, heads, adapters);
        }
    }

    private static List<String> names(Path file) throws IOException {
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            return new ArrayList<>(f.names());
        }
    }

    /** The valid base directory, for the baseline check. */
    Path base() {
        return base;
    }

    @FunctionalInterface
    private interface Mutation {
        List<FuzzCase> make(SplittableRandom rnd, Path dir) throws IOException;
    }

    List<FuzzCase> cases(SplittableRandom rnd, Path dir, int n) throws IOException {
        List<Mutation> mutations = List.of(this::configMissingField, this::configDisagreesWithWeights, this::weightMissing,
                this::unexpectedWeight, this::weightWrongShape, this::weightsCorrupt, this::headWrongShape, this::foreignHead,
                this::headNotFinite, this::tokenizerBroken, this::noWeights, this::adapterBroken);
        List<FuzzCase> out = new ArrayList<>();
        for (int i = 0; out.size() < n; i++) {
            Path caseDir = copy(i % mutations.size() == 11 ? adapterBase : base, dir.resolve(String.format("case-%04d", i)));
            out.addAll(mutations.get(i % mutations.size()).make(rnd, caseDir));
        }
        return out.subList(0, n);
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) Files.copy(f, to.resolve(f.getFileName()));
        }
        return to;
    }

    private static String pick(SplittableRandom rnd, List<String> from) {
        return from.get(rnd.nextInt(from.size()));
    }

    /** Loading the directory as a model must fail naming each culprit. */
    private static FuzzCase loading(Path dir, String label, Class<? extends Throwable> expected, String... culprits) {
        FuzzCase c = FuzzCase.of(CATEGORY, label, expected, () -> CausalLm.fromPretrained(dir));
        for (String culprit : culprits) c = c.naming(culprit);
        return c;
    }

    /** Loading the directory's weights into the target must fail naming each culprit and leave the target as it was. */
    private FuzzCase loadingInto(Path dir, String label, String... culprits) {
        FuzzCase c = FuzzCase.of(CATEGORY, label + " (into a loaded model)", CheckpointFormatException.class,
                () -> unchangedUnlessAccepted(target.parameters(), () -> target.loadWeightsFrom(dir)));
        for (String culprit : culprits) c = c.naming(culprit);
        return c;
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws Exception;
    }

    /** Runs {@code load}; if it fails having changed a parameter, restores them all and reports a partial load. */
    static Object unchangedUnlessAccepted(Parameters parameters, IoAction load) throws Exception {
        Map<String, INDArray> before = new LinkedHashMap<>();
        parameters.asMap().forEach((k, v) -> before.put(k, v.dup()));
        try {
            load.run();
            return "the loaded weights";
        } catch (Exception e) {
            List<String> changed = new ArrayList<>();
            before.forEach((k, v) -> {
                if (!parameters.contains(k) || !v.equals(parameters.get(k))) changed.add(k);
            });
            parameters.asMap().keySet().stream().filter(k -> !before.containsKey(k)).forEach(changed::add);
            if (changed.isEmpty()) throw e;
            before.forEach((k, v) -> parameters.get(k).assign(v)); // independent cases: undo the damage
            throw new PartialLoadException("parameters " + changed, e);
        }
    }

    private static void rewrite(Path file, Map<String, INDArray> tensors) throws IOException {
        SafeTensorsWriter.write(file, tensors, SafeTensorsDType.F32, Map.of("format", "pt"));
    }

    private static Map<String, INDArray> read(Path file) throws IOException {
        Map<String, INDArray> out = new LinkedHashMap<>();
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            for (String n : f.names()) out.put(n, f.readFloat(n));
        }
        return out;
    }

    private List<FuzzCase> configMissingField(SplittableRandom rnd, Path dir) throws IOException {
        ObjectNode c = (ObjectNode) TensorFileSpec.JSON.readTree(dir.resolve("config.json").toFile());
        String field = pick(rnd, List.of("hidden_size", "num_hidden_layers", "intermediate_size", "vocab_size", "model_type"));
        c.remove(field);
        Files.writeString(dir.resolve("config.json"), c.toString());
        return List.of(loading(dir, "config.json without " + field, ConfigException.class, "config.json", field));
    }

    private List<FuzzCase> configDisagreesWithWeights(SplittableRandom rnd, Path dir) throws IOException {
        ObjectNode c = (ObjectNode) TensorFileSpec.JSON.readTree(dir.resolve("config.json").toFile());
        String field = pick(rnd, List.of("vocab_size", "intermediate_size", "num_hidden_layers"));
        c.put(field, c.get(field).asInt() + rnd.nextInt(1, 5));
        Files.writeString(dir.resolve("config.json"), c.toString());
        String culprit = switch (field) {
            case "vocab_size" -> "embed_tokens";
            case "intermediate_size" -> "mlp";
            default -> "model.layers.1.";
        };
        return List.of(loading(dir, "config.json " + field + " disagrees with the weights", CheckpointFormatException.class,
                WEIGHTS, culprit));
    }

    private List<FuzzCase> weightMissing(SplittableRandom rnd, Path dir) throws IOException {
        Map<String, INDArray> w = read(dir.resolve(WEIGHTS));
        String t = pick(rnd, backbone);
        w.remove(t);
        rewrite(dir.resolve(WEIGHTS), w);
        return List.of(loading(dir, "weights without " + t, CheckpointFormatException.class, "'" + t + "'"),
                loadingInto(dir, "weights without " + t, "'" + t + "'"));
    }

    private List<FuzzCase> unexpectedWeight(SplittableRandom rnd, Path dir) throws IOException {
        Map<String, INDArray> w = read(dir.resolve(WEIGHTS));
        String t = "model.layers.0.extra_" + rnd.nextInt(100) + ".weight";
        w.put(t, Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 3));
        rewrite(dir.resolve(WEIGHTS), w);
        return List.of(loading(dir, "weights with an unexpected " + t, CheckpointFormatException.class, "'" + t + "'"));
    }

    private List<FuzzCase> weightWrongShape(SplittableRandom rnd, Path dir) throws IOException {
        Map<String, INDArray> w = read(dir.resolve(WEIGHTS));
        String t = pick(rnd, backbone);
        INDArray v = w.get(t);
        w.put(t, v.rank() == 2 && v.size(0) != v.size(1) ? v.transpose().dup() : Nd4j.concat(0, v, v));
        rewrite(dir.resolve(WEIGHTS), w);
        return List.of(loading(dir, "weight " + t + " of shape " + Arrays.toString(w.get(t).shape()), CheckpointFormatException.class,
                "'" + t + "'"), loadingInto(dir, "weight " + t + " of the wrong shape", "'" + t + "'"));
    }

    private List<FuzzCase> weightsCorrupt(SplittableRandom rnd, Path dir) throws IOException {
        Path f = dir.resolve(WEIGHTS);
        byte[] b = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(b, b.length - rnd.nextInt(1, 64)));
        return List.of(loading(dir, "weights truncated", CheckpointFormatException.class, WEIGHTS, "truncated"),
                loadingInto(dir, "weights truncated", WEIGHTS));
    }

    private List<FuzzCase> headWrongShape(SplittableRandom rnd, Path dir) throws IOException {
        Map<String, INDArray> h = read(dir.resolve(LatentHeads.FILE));
        String t = heads.get(heads.size() - 1); // the last one, so that a tensor-by-tensor load changes the others first
        INDArray v = h.get(t);
        h.put(t, Nd4j.concat(0, v, v));
        rewrite(dir.resolve(LatentHeads.FILE), h);
        return List.of(loading(dir, "latent head " + t + " of the wrong shape", CheckpointFormatException.class,
                        LatentHeads.FILE, "'" + t + "'"),
                loadingInto(dir, "latent head " + t + " of the wrong shape", LatentHeads.FILE, "'" + t + "'"));
    }

    private List<FuzzCase> foreignHead(SplittableRandom rnd, Path dir) throws IOException {
        Map<String, INDArray> h = read(dir.resolve(LatentHeads.FILE));
        String t = pick(rnd, List.of("model.norm.weight", "action_head.extra", "hrpo_gate.nope.weight"));
        h.put(t, Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 8));
        rewrite(dir.resolve(LatentHeads.FILE), h);
        return List.of(loading(dir, "latent heads with " + t, CheckpointFormatException.class, LatentHeads.FILE, "'" + t + "'"),
                loadingInto(dir, "latent heads with " + t, LatentHeads.FILE, "'" + t + "'"));
    }

    private List<FuzzCase> headNotFinite(SplittableRandom rnd, Path dir) throws IOException {
        Map<String, INDArray> h = read(dir.resolve(LatentHeads.FILE));
        String t = heads.get(heads.size() - 1);
        INDArray v = h.get(t);
        v.putScalar(rnd.nextLong(v.length()), rnd.nextBoolean() ? Double.NaN : Double.NEGATIVE_INFINITY);
        rewrite(dir.resolve(LatentHeads.FILE), h);
        return List.of(loading(dir, "latent head " + t + " not finite", CheckpointFormatException.class, "'" + t + "'"),
                loadingInto(dir, "latent head " + t + " not finite", "'" + t + "'"));
    }

    private List<FuzzCase> tokenizerBroken(SplittableRandom rnd, Path dir) throws IOException {
        Path f = dir.resolve(HfTokenizer.TOKENIZER_JSON);
        String text = Files.readString(f);
        Files.writeString(f, text.substring(0, rnd.nextInt(0, text.lastIndexOf('}'))));
        return List.of(loading(dir, "tokenizer.json cut short", TokenizerFormatException.class, HfTokenizer.TOKENIZER_JSON));
    }

    private List<FuzzCase> noWeights(SplittableRandom rnd, Path dir) throws IOException {
        Files.delete(dir.resolve(WEIGHTS));
        return List.of(loading(dir, "no weights file", CheckpointFormatException.class, WEIGHTS),
                loadingInto(dir, "no weights file", WEIGHTS));
    }

    private List<FuzzCase> adapterBroken(SplittableRandom rnd, Path dir) throws IOException {
        Path f = dir.resolve(LoraAdapters.WEIGHTS);
        Map<String, INDArray> a = read(f);
        String t = adapters.get(adapters.size() - 1);
        INDArray v = a.get(t);
        if (rnd.nextBoolean()) v.putScalar(rnd.nextLong(v.length()), Double.NaN);
        else a.put(t, Nd4j.concat(0, v, v));
        rewrite(f, a);
        return List.of(FuzzCase.of(CATEGORY, "adapter " + t + " broken (into a loaded model)", CheckpointFormatException.class,
                () -> unchangedUnlessAccepted(target.parameters(), () -> LoraAdapters.load(dir, target.parameters())))
                .naming(LoraAdapters.WEIGHTS).naming("'" + t + "'"));
    }

    @Override
    public void close() {
        target.close();
    }
}
