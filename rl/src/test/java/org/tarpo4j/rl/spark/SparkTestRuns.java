package org.tarpo4j.rl.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.rl.RlTestModels;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.reward.RewardFunction;
import org.tarpo4j.rl.reward.WeightedRewards;
import org.tarpo4j.rl.rollout.TextDecoder;
import org.tarpo4j.rl.train.MetricsLog;
import org.tarpo4j.rl.data.PromptEncoder;
import org.tarpo4j.rl.train.TarpoConfig;
import org.tarpo4j.rl.train.TarpoTrainer;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs of the toy task of the trainer tests on a model saved to disk (executors load it from there): the reward is the
 * fraction of 'd' characters, ids print as letters (multiples of 7 as '#').
 */
final class SparkTestRuns {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SparkTestRuns() {}

    /** RlTestModels' decoding, Serializable so that executors decode as the trainer does. */
    static final class Letters implements TextDecoder, Serializable {
        private static final long serialVersionUID = 1L;

        @Override public String token(int id) { return id % 7 == 0 ? "#" : String.valueOf((char) ('a' + id % 26)); }

        @Override public String decode(int[] ids) {
            StringBuilder b = new StringBuilder();
            for (int id : ids) b.append(token(id));
            return b.toString();
        }
    }

    static List<Problem> problems() {
        List<Problem> out = new ArrayList<>();
        for (int i = 0; i < 8; i++) out.add(new Problem("p" + i, "prompt " + i, "gold " + i, null));
        return out;
    }

    static PromptEncoder encoder() {
        return p -> new int[]{1, 4 + Integer.parseInt(p.id().substring(1)), 12, 5 + Integer.parseInt(p.id().substring(1))};
    }

    /** A small model saved where executors can load it. */
    static Path savedModel(Path dir, long seed) throws IOException {
        CausalLm m = RlTestModels.model(seed);
        m.save(dir);
        return dir;
    }

    static TarpoConfig config(String mode, boolean lora, Path model) {
        TarpoConfig c = org.tarpo4j.rl.train.TrainerTestSupport.config(mode, lora);
        c.modelPath = model.toString();
        c.promptsPerStep = 3;          // local[2] gets one prompt and two: uneven shares
        c.maxSteps = 3;
        c.perDeviceTrainBatchSize = 5; // micro-batches that straddle the executors' shares
        c.validate();
        return c;
    }

    /** Trains {@code c} (with {@code master} as its spark_master, null for none) from the model at its path. */
    static TarpoTrainer train(TarpoConfig c, String master, RewardFunction reward, Path out) throws IOException {
        TarpoTrainer t = trainer(c, master, reward, out);
        t.train();
        return t;
    }

    /** The trainer of {@link #train}, not yet trained. */
    static TarpoTrainer trainer(TarpoConfig c, String master, RewardFunction reward, Path out) throws IOException {
        TarpoConfig run = c.copy();
        run.sparkMaster = master;
        run.outputDir = out.toString();
        CausalLm model = CausalLm.fromPretrained(Path.of(c.modelPath));
        return new TarpoTrainer(run, model, problems(), encoder(), WeightedRewards.of(reward), new Letters(), out);
    }

    static List<Map<String, Object>> metrics(Path run) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve(MetricsLog.METRICS))) {
            @SuppressWarnings("unchecked") Map<String, Object> m = JSON.readValue(line, Map.class);
            out.add(m);
        }
        return out;
    }

    /** The metrics of every step agree within float summation tolerance, what measures the machine (timings, memory, Spark's own keys) aside. */
    static void assertSameMetrics(List<Map<String, Object>> expected, List<Map<String, Object>> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": steps");
        for (int s = 0; s < expected.size(); s++) {
            Map<String, Object> e = comparable(expected.get(s)), a = comparable(actual.get(s));
            assertEquals(e.keySet(), a.keySet(), what + ": keys of step " + (s + 1));
            for (var kv : e.entrySet()) {
                Object x = kv.getValue(), y = a.get(kv.getKey());
                String label = what + ": step " + (s + 1) + " " + kv.getKey();
                if (x instanceof Number nx && y instanceof Number ny) {
                    double dx = nx.doubleValue(), dy = ny.doubleValue();
                    assertTrue(Math.abs(dx - dy) <= 1e-5 + 1e-4 * Math.abs(dx), label + ": " + dx + " vs " + dy);
                } else {
                    assertEquals(x, y, label);
                }
            }
        }
    }

    private static Map<String, Object> comparable(Map<String, Object> m) {
        Map<String, Object> c = new LinkedHashMap<>(m);
        c.keySet().removeIf(org.tarpo4j.rl.train.StepMetrics::measuresTheMachine);
        return c;
    }
}
