package org.tarpo4j.rl.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.reward.WeightedRewards;
import org.tarpo4j.rl.policy.Completion;
import org.tarpo4j.rl.train.DistributedSteps;
import org.tarpo4j.rl.train.RolloutScores;
import org.tarpo4j.rl.train.StepGradient;
import org.tarpo4j.rl.train.StepWorker;
import org.tarpo4j.rl.train.TarpoConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A trainer's steps on Spark ({@code spark_master}). Per step: the trainable weights are broadcast; the step's prompts
 * are cut into contiguous runs, one per task slot, and each task generates and scores its prompts' G completions
 * (stage "step N rollouts"); the trainer computes the advantages and the loss weights over the whole step; the
 * completions are cut again and each task computes the gradient of its share (stage "step N gradient"); the trainer
 * sums the shares in partition order and applies AdamW. Everything a task needs travels with it or in the broadcast,
 * so a task lost with its executor is recomputed elsewhere with the same result.
 */
public final class SparkSteps implements DistributedSteps {
    /** The weights and each gradient share travel as one byte array: below Java's 2 GB, with room for the names. */
    static final long MAX_STATE_BYTES = (1L << 31) - (64L << 20);

    private final Setup setup;
    private final TarpoConfig config;
    private final ReplicaSpec spec;
    private final StepStats stats = new StepStats();
    private SparkCluster cluster;
    private Broadcast<byte[]> current;   // the weights the step's rollouts used
    private long currentId;
    private boolean textChecked;

    private SparkSteps(Setup setup, ReplicaSpec spec) {
        this.setup = setup;
        this.config = setup.config();
        this.spec = spec;
    }

    /**
     * Checks what executors will need and connects to the master.
     *
     * @param setup the trainer's model, plan, rewards and decoding
     * @return the steps
     * @throws IllegalArgumentException for a bad or unreachable master, or no model path
     */
    public static SparkSteps start(Setup setup) {
        TarpoConfig c = setup.config();
        if (c.modelPath == null) {
            throw new IllegalArgumentException("spark_master needs model_path: every executor loads the starting model from it");
        }
        String modelPath = Files.isDirectory(Path.of(c.modelPath)) ? Path.of(c.modelPath).toAbsolutePath().normalize().toString()
                : c.modelPath; // a hub id: each executor resolves it in its own cache
        long trainableBytes = 0;
        for (var a : setup.trainable().values()) trainableBytes += 4 * a.length();
        if (trainableBytes > MAX_STATE_BYTES) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "spark_master: the trainable weights are "
                    + "%.1f GB, and a step on Spark moves them (and each executor's gradient) as one Java array, at most 2 GB: "
                    + "train LoRA adapters (use_lora: true), or on one machine", trainableBytes / 1e9));
        }
        byte[] rewards = JavaBytes.writeIfSerializable(setup.rewards());
        if (rewards == null) {
            System.err.println("spark: the reward functions " + names(setup.rewards()) + " are not all Serializable: "
                    + "the trainer scores the completions itself");
        }
        byte[] text = JavaBytes.writeIfSerializable(setup.text());
        if (text == null && setup.model().tokenizer().isEmpty()) {
            throw new IllegalArgumentException("spark_master: executors decode completions with model_path's tokenizer.json, "
                    + "which '" + c.modelPath + "' does not have, and the trainer's TextDecoder is not Serializable");
        }
        TarpoConfig forExecutors = c.copy();
        forExecutors.sparkMaster = null;
        ReplicaSpec spec = new ReplicaSpec(modelPath, forExecutors.toJson(), setup.rolloutRows(), setup.microBatchRows(),
                setup.chunkLength(), StepWorker.fingerprint(setup.model().parameters()), rewards, text);
        SparkSteps steps = new SparkSteps(setup, spec);
        steps.cluster();
        return steps;
    }

    private static String names(WeightedRewards r) {
        List<String> n = new ArrayList<>();
        r.terms().forEach(t -> n.add(t.function().name()));
        return n.toString();
    }

    private SparkCluster cluster() {
        if (cluster == null) cluster = SparkCluster.connect(config.sparkMaster);
        return cluster;
    }

    /** Broadcasts the trainer's trainable weights as they are now. */
    private void broadcastWeights() {
        long t0 = System.nanoTime();
        if (current != null) current.destroy();
        byte[] state = JavaBytes.write(TrainableState.of(setup.trainable()));
        current = cluster().sc().broadcast(state);
        currentId = ThreadLocalRandom.current().nextLong();
        stats.broadcast(state.length, (System.nanoTime() - t0) / 1e9);
    }

    @Override
    public Rollouts rollout(int step, List<Problem> problems, List<int[]> promptIds, long seed) {
        SparkCluster cl = cluster();
        broadcastWeights();
        int parts = Math.min(problems.size(), cl.slots());
        List<byte[]> inputs = new ArrayList<>();
        long inBytes = 0;
        for (int[] range : ranges(problems.size(), parts)) {
            int[] indices = new int[range[1] - range[0]];
            for (int i = 0; i < indices.length; i++) indices[i] = range[0] + i;
            byte[] in = JavaBytes.write(new RolloutTask.Input(step, seed, parts, indices,
                    new ArrayList<>(promptIds.subList(range[0], range[1])), new ArrayList<>(problems.subList(range[0], range[1]))));
            inBytes += in.length;
            inputs.add(in);
        }
        String what = "step " + (step + 1) + " rollouts (" + problems.size() + " prompts x " + config.numGenerations + ")";
        long t0 = System.nanoTime();
        JavaRDD<byte[]> rdd = cl.sc().parallelize(inputs, parts)
                .mapPartitionsWithIndex(new RolloutTask(spec, current, currentId, config.numGenerations), false);
        List<byte[]> results = cl.collect(rdd, what);
        double wall = (System.nanoTime() - t0) / 1e9;
        List<Completion> completions = new ArrayList<>();
        List<RolloutScores> scores = new ArrayList<>();
        long[] state = new long[results.size()], work = new long[results.size()], cpu = new long[results.size()];
        long outBytes = 0;
        for (int i = 0; i < results.size(); i++) {
            RolloutTask.Output out = JavaBytes.read(results.get(i));
            outBytes += results.get(i).length;
            completions.addAll(out.completions());
            scores.add(out.scores());
            state[i] = out.stateNanos();
            work[i] = out.computeNanos();
            cpu[i] = out.cpuNanos();
        }
        stats.job(wall, state, work, cpu, inBytes, outBytes, cl.executors());
        checkText(completions);
        return new Rollouts(completions, scores.contains(null) ? null : concat(scores));
    }

    /** The first step's completions, decoded here too: executors that decode otherwise would score other texts. */
    private void checkText(List<Completion> completions) {
        if (textChecked || spec.text() != null) return;
        for (Completion c : completions) {
            String here = setup.text().decode(c.tokens());
            if (!here.equals(c.text())) {
                throw new SparkStepException("executors decode completions with the tokenizer of model_path '"
                        + config.modelPath + "' differently from the trainer (\"" + c.text() + "\" there, \"" + here
                        + "\" here): give the model directory the trainer's tokenizer.json, or make the TextDecoder Serializable", null);
            }
        }
        textChecked = true;
    }

    private static RolloutScores concat(List<RolloutScores> parts) {
        int n = 0;
        for (RolloutScores s : parts) n += s.total().length;
        double[] total = new double[n];
        Map<String, double[]> byName = new LinkedHashMap<>();
        int at = 0;
        for (RolloutScores s : parts) {
            int len = s.total().length, from = at;
            System.arraycopy(s.total(), 0, total, at, len);
            int size = n;
            s.byName().forEach((k, v) -> System.arraycopy(v, 0, byName.computeIfAbsent(k, x -> new double[size]), from, len));
            at += len;
        }
        return new RolloutScores(total, byName);
    }

    /** {@code n} items cut into {@code parts} contiguous runs whose sizes differ by at most one. */
    static List<int[]> ranges(int n, int parts) {
        List<int[]> r = new ArrayList<>();
        for (int p = 0; p < parts; p++) r.add(new int[]{(int) ((long) p * n / parts), (int) ((long) (p + 1) * n / parts)});
        return r;
    }

    @Override
    public StepGradient gradient(int step, List<int[]> prompts, List<Completion> completions, double[] advantages) {
        StepWorker.RowWeights w = StepWorker.rowWeights(config, completions);
        return new StepGradient() {
            private int iteration;

            @Override
            public Result compute(List<String> trainable) {
                SparkCluster cl = cluster();
                if (iteration > 0) broadcastWeights(); // the previous update changed them
                int n = completions.size();
                int parts = Math.min(n, cl.slots());
                List<byte[]> inputs = new ArrayList<>();
                long inBytes = 0;
                for (int[] r : ranges(n, parts)) {
                    byte[] in = JavaBytes.write(new GradientTask.Input(step, iteration, parts, r[0],
                            new ArrayList<>(prompts.subList(r[0], r[1])), new ArrayList<>(completions.subList(r[0], r[1])),
                            Arrays.copyOfRange(advantages, r[0], r[1]), Arrays.copyOfRange(w.weights(), r[0], r[1]), w.tokens()));
                    inBytes += in.length;
                    inputs.add(in);
                }
                String what = "step " + (step + 1) + " gradient" + (iteration > 0 ? " (update " + (iteration + 1) + ")" : "")
                        + " (" + n + " completions)";
                long t0 = System.nanoTime();
                JavaRDD<byte[]> rdd = cl.sc().parallelize(inputs, parts)
                        .mapPartitionsWithIndex(new GradientTask(spec, current, currentId), false);
                List<byte[]> results = cl.collect(rdd, what);
                double wall = (System.nanoTime() - t0) / 1e9;
                long t1 = System.nanoTime();
                GradientSum sum = new GradientSum(trainable, setup.trainable());
                long[] state = new long[results.size()], work = new long[results.size()], cpu = new long[results.size()];
                long outBytes = 0;
                for (int i = 0; i < results.size(); i++) {
                    GradientTask.Output out = JavaBytes.read(results.get(i));
                    outBytes += results.get(i).length;
                    sum.add(out); // in partition order: the same cluster shape gives the same sums
                    state[i] = out.stateNanos();
                    work[i] = out.computeNanos();
                    cpu[i] = out.cpuNanos();
                }
                Result r = sum.result();
                stats.job(wall, state, work, cpu, inBytes, outBytes, cl.executors());
                stats.collect((System.nanoTime() - t1) / 1e9);
                iteration++;
                return r;
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public Map<String, Object> stepMetrics() { return stats.drain(); }

    /** Drops the step's broadcast; the application stays for later steps and trainers (it ends with the JVM). */
    @Override
    public void close() {
        if (current != null) {
            current.destroy();
            current = null;
        }
        cluster = null;
    }
}
