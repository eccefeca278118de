package org.tarpo4j.examples.embedded;

import org.tarpo4j.hpo.CandidateScorer;
import org.tarpo4j.rl.train.TarpoConfig;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Scores a sweep candidate on the embedded task: an {@link EmbeddedRun} of the candidate's config from its warm start
 * ({@code modelPath}) in its {@code outputDir}, then one held-out accuracy after RL. Serializable, for sweeps whose
 * candidates run as Spark tasks: the task is rebuilt where the scorer lands, from its preset and tokenizer directory.
 */
public final class EmbeddedScorer implements CandidateScorer, Serializable {
    private static final long serialVersionUID = 1L;
    /** The held-out numbers a sweep can maximise (keys of the run summary's accuracy). */
    public static final List<String> METRICS = List.of("sampled_avg_at_k", "greedy", "pass_at_k", "maj_at_k");

    private final String preset;
    private final String tokenizerDir;
    private final String metric;
    private transient EmbeddedTask task;

    public EmbeddedScorer(EmbeddedTask task, String metric) {
        if (!METRICS.contains(metric)) throw new IllegalArgumentException("metric must be one of " + METRICS + ", got '" + metric + "'");
        this.task = task;
        this.preset = task.preset().name();
        this.tokenizerDir = task.tokenizer().path().getParent().toAbsolutePath().toString();
        this.metric = metric;
    }

    /** The base config of an embedded sweep: the embedded TARPO run from the warm start, with the sweep's seed. */
    public static TarpoConfig base(EmbeddedPreset preset, Path warmStart, long seed) {
        return EmbeddedRun.config(preset, "tarpo", seed, warmStart);
    }

    private synchronized EmbeddedTask task() throws IOException {
        if (task == null) task = new EmbeddedTask(EmbeddedPreset.named(preset), Path.of(tokenizerDir));
        return task;
    }

    @Override
    public double score(TarpoConfig config) throws IOException {
        Map<String, Object> summary = EmbeddedRun.run(task(), config, Path.of(config.outputDir), false);
        return ((Number) ((Map<?, ?>) summary.get("after")).get(metric)).doubleValue();
    }
}
