package org.tarpo4j.hpo;

import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.tarpo4j.rl.spark.SparkTasks;
import org.tarpo4j.rl.train.TarpoConfig;

import java.io.PrintStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A sweep's candidates as Spark tasks, one candidate per task ({@code spark_master} in the sweep file): the candidate
 * generator runs here, each task builds its candidate's config and scores it where Spark puts it, and the results come
 * back in candidate order. A candidate's own failure is recorded (the sweep goes on); a task lost with its executor
 * runs again elsewhere. Candidates train on one executor each: their own configs never distribute further.
 */
final class SparkCandidates {
    private SparkCandidates() {}

    /** A candidate as a task's input. */
    private record Input(int index, SweepCandidate candidate) implements Serializable {}

    static List<CandidateResult> run(String master, SearchPlan plan, TarpoConfig base, CandidateScorer scorer, Path dir,
                                     PrintStream out) {
        if (!(scorer instanceof Serializable)) {
            throw new IllegalArgumentException("spark_master: the sweep's candidates run in Spark executors, so its "
                    + "CandidateScorer (" + scorer.getClass().getName() + ") must be Serializable");
        }
        List<Input> inputs = new ArrayList<>();
        while (inputs.size() < plan.candidates() && plan.generator().hasMoreCandidates()) {
            Candidate<?> c = plan.generator().getCandidate();
            inputs.add(new Input(c.getIndex(), (SweepCandidate) c.getValue()));
        }
        TarpoConfig local = base.copy();
        local.sparkMaster = null;
        String baseJson = local.toJson(), sweepDir = dir.toAbsolutePath().toString();
        long t0 = System.nanoTime();
        List<CandidateResult> results;
        try {
            results = SparkTasks.map(master, "sweep: " + inputs.size() + " candidates", inputs,
                    in -> CandidateRun.run(in.candidate(), in.index(), TarpoConfig.fromJson(baseJson), scorer, Path.of(sweepDir)).result());
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("spark_master is set but Apache Spark is not on the class path (" + e.getMessage()
                    + "): add org.apache.spark:spark-core_2.13 (the tarpo command line has it)", e);
        }
        int failed = 0;
        for (CandidateResult r : results) {
            failed += r.complete() ? 0 : 1;
            out.printf(Locale.ROOT, "[sweep] candidate %d %s: %s in %.0f s%n", r.index(), r.parameters(),
                    r.complete() ? "score " + Numbers.format(r.score()) : "FAILED (" + r.error() + ")", r.seconds());
        }
        out.printf(Locale.ROOT, "[sweep] finished on %s in %.1f min: %d complete, %d failed%n", master,
                (System.nanoTime() - t0) / 6e10, results.size() - failed, failed);
        return results;
    }
}
