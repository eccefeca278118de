package org.tarpo4j.tests.kill;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarpo4j.rl.train.CheckpointManager;
import org.tarpo4j.rl.train.MetricsLog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code train --config} run in a child JVM, killed with SIGKILL at seeded random moments (while a checkpoint is being
 * written, in the middle of a step, at any time from JVM start on) and restarted with {@code --resume} each time.
 * After every kill each {@code checkpoint-N} directory must be whole and load; every restart must resume from the
 * last complete checkpoint; and the run, once finished, must have exactly the metrics, completions and final
 * weights of an uninterrupted reference run. The kills are written to {@code target/reliability/kill-test.txt}.
 *
 * <p>{@code -Dtarpo.kill.seed=N} replays another seed.
 */
class KillAndResumeTest {
    static final long SEED = Long.getLong("tarpo.kill.seed", 3L);
    static final int KILLS = 6;
    static final Duration CHILD_TIMEOUT = Duration.ofMinutes(3);
    private static final Pattern RESUMED = Pattern.compile("resumed at step (\\d+)");

    /** When a round kills the child. */
    enum Moment { CHECKPOINT_WRITE, MID_STEP, ANY_TIME }

    /** One kill: where the run stood and what the directory held afterwards. */
    record Kill(int round, Moment moment, int resumedFrom, Integer reportedResume, int stepsLogged, boolean insideWrite,
                List<Integer> checkpoints, List<String> temporaries) {}

    @Test
    void aRunKilledAtRandomMomentsResumesFromItsLastCompleteCheckpointWithIdenticalResults(@TempDir Path tmp) throws Exception {
        long t0 = System.nanoTime();
        Path model = TinyChatRun.createModel(tmp);
        Path referenceDir = tmp.resolve("reference"), killedDir = tmp.resolve("killed"), logs = tmp.resolve("logs");
        Path killedConfig = TinyChatRun.config(tmp, model, killedDir);

        ChildTrainer reference = ChildTrainer.start(TinyChatRun.config(tmp, model, referenceDir), false, logs, "reference");
        assertEquals(0, reference.waitFor(CHILD_TIMEOUT), reference.stderr());
        RunDirectory expected = new RunDirectory(referenceDir), run = new RunDirectory(killedDir);
        assertEquals(TinyChatRun.MAX_STEPS, expected.metricsWithoutTimings().size());
        double referenceSeconds = (System.nanoTime() - t0) / 1e9;

        Random rnd = new Random(SEED);
        List<Kill> kills = new ArrayList<>();
        int resumeFrom = 0;
        for (int round = 0; round < KILLS; round++) {
            Moment moment = Moment.values()[round % Moment.values().length];
            List<String> leftBefore = run.temporaries(); // from the previous kill, until the trainer clears them
            ChildTrainer child = ChildTrainer.start(killedConfig, round > 0, logs, "round-" + round);
            waitForTheMoment(child, run, moment, round > 0, resumeFrom, leftBefore, rnd);
            assertTrue(child.kill(), "round " + round + ": the run ended before it was killed:\n" + child.stderr());

            Integer reported = reportedResume(child.stdout());
            if (reported != null) assertEquals(resumeFrom, reported, "round " + round + " resumed elsewhere than the last complete checkpoint");
            List<String> temporaries = run.temporaries();
            List<Integer> checkpoints = run.checkpointSteps();
            for (int step : checkpoints) run.requireComplete(step);
            boolean insideWrite = temporaries.stream().anyMatch(t -> t.contains(".tmp-") && !leftBefore.contains(t));
            kills.add(new Kill(round, moment, resumeFrom, reported, run.metricLines(), insideWrite, checkpoints, temporaries));
            resumeFrom = checkpoints.isEmpty() ? 0 : checkpoints.get(checkpoints.size() - 1);
        }

        ChildTrainer last = ChildTrainer.start(killedConfig, true, logs, "final");
        assertEquals(0, last.waitFor(CHILD_TIMEOUT), last.stderr());
        assertEquals(resumeFrom, reportedResume(last.stdout()), last.stdout());
        for (int step : run.checkpointSteps()) run.requireComplete(step);
        String summary = summary(kills, referenceSeconds, (System.nanoTime() - t0) / 1e9);
        System.out.println(summary);
        Files.writeString(Files.createDirectories(Path.of("target", "reliability")).resolve("kill-test.txt"), summary);

        assertSameSteps(expected.metricsWithoutTimings(), run.metricsWithoutTimings());
        assertEquals(Files.readString(referenceDir.resolve(MetricsLog.COMPLETIONS)), Files.readString(killedDir.resolve(MetricsLog.COMPLETIONS)));
        for (String file : List.of("model.safetensors", "latent_heads.safetensors", CheckpointManager.OPTIMIZER)) {
            assertArrayEquals(Files.readAllBytes(expected.checkpoint(TinyChatRun.MAX_STEPS).resolve(file)),
                    Files.readAllBytes(run.checkpoint(TinyChatRun.MAX_STEPS).resolve(file)), file + " of the last checkpoint");
        }
        assertTrue(kills.stream().anyMatch(Kill::insideWrite), "no kill landed inside a checkpoint write:\n" + summary);
        assertTrue(kills.stream().filter(k -> k.reportedResume() != null).count() >= 2, "too few restarts got as far as resuming:\n" + summary);
    }

    /**
     * Returns when {@code moment} has come for the child, which must still be running: a checkpoint write it started
     * (a temporary directory not {@code leftBefore}), a step it logged after resuming, or a random time from launch.
     */
    private static void waitForTheMoment(ChildTrainer child, RunDirectory run, Moment moment, boolean resuming, int resumeFrom,
                                         List<String> leftBefore, Random rnd) throws Exception {
        // one or two steps on; from scratch always the first, so that a kill can leave a run with no checkpoint at all
        int target = Math.min(resumeFrom + 1 + (resumeFrom == 0 ? 0 : rnd.nextInt(2)), TinyChatRun.MAX_STEPS - 2);
        long deadline = System.nanoTime() + CHILD_TIMEOUT.toNanos();
        switch (moment) {
            case CHECKPOINT_WRITE -> {
                while (!run.writingCheckpoint(target, leftBefore)) pause(child, deadline, 1);
                Thread.sleep(rnd.nextInt(4)); // within the write: a few MB and an fsync per file
            }
            case MID_STEP -> {
                while (!logged(child, run, resuming, target)) pause(child, deadline, 5);
                Thread.sleep(rnd.nextInt(150));
            }
            case ANY_TIME -> {
                // uniform over the first 8 s (JVM start, loading, resuming, the first steps), but two steps on at most,
                // so that six rounds always end before the run does
                long until = System.nanoTime() + (long) (rnd.nextDouble() * 8e9);
                int atMost = Math.min(resumeFrom + 2, TinyChatRun.MAX_STEPS - 1);
                while (System.nanoTime() < until && !logged(child, run, resuming, atMost)) pause(child, deadline, 5);
            }
        }
    }

    /** Whether the child has logged {@code lines} steps; a resumed run counts only after it has cut the log back. */
    private static boolean logged(ChildTrainer child, RunDirectory run, boolean resuming, int lines) throws IOException {
        return (!resuming || reportedResume(child.stdout()) != null) && run.metricLines() >= lines;
    }

    private static void pause(ChildTrainer child, long deadline, long millis) throws IOException, InterruptedException {
        if (!child.isAlive()) throw new AssertionError("the child ended early:\n" + child.stderr());
        if (System.nanoTime() > deadline) throw new AssertionError("the child made no progress:\n" + child.stderr());
        Thread.sleep(millis);
    }

    /** The same metrics step by step; a failure names the first step that differs, or the steps logged. */
    private static void assertSameSteps(List<Map<String, Object>> expected, List<Map<String, Object>> actual) {
        List<Object> expectedSteps = expected.stream().map(m -> m.get("step")).toList();
        List<Object> actualSteps = actual.stream().map(m -> m.get("step")).toList();
        assertEquals(expectedSteps, actualSteps, "steps logged by the killed run");
        for (int i = 0; i < expected.size(); i++) {
            Map<String, Object> e = expected.get(i), a = actual.get(i);
            List<String> differing = e.keySet().stream().filter(k -> !java.util.Objects.equals(e.get(k), a.get(k))).toList();
            assertTrue(differing.isEmpty() && e.keySet().equals(a.keySet()), "step " + e.get("step") + " differs from the "
                    + "uninterrupted run in " + differing + ": expected " + e + " but was " + a);
        }
    }

    private static Integer reportedResume(String stdout) {
        Matcher m = RESUMED.matcher(stdout);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    private static String summary(List<Kill> kills, double referenceSeconds, double totalSeconds) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "kill test, seed %d: %d SIGKILLs (%d inside a checkpoint write), %d steps, reference run %.1f s, test %.1f s%n",
                SEED, kills.size(), kills.stream().filter(Kill::insideWrite).count(), TinyChatRun.MAX_STEPS, referenceSeconds, totalSeconds));
        b.append(String.format(Locale.ROOT, "%-5s %-16s %-9s %-10s %-8s %-12s %-14s %s%n", "round", "moment", "restarted", "resumed at",
                "logged", "inside write", "checkpoints", "leftovers"));
        for (Kill k : kills) {
            b.append(String.format(Locale.ROOT, "%-5d %-16s %-9s %-10s %-8d %-12s %-14s %s%n", k.round(), k.moment(),
                    k.round() == 0 ? "-" : "at " + k.resumedFrom(), k.reportedResume() == null ? "(killed first)" : k.reportedResume(),
                    k.stepsLogged(), k.insideWrite() ? "yes" : "no", k.checkpoints(), k.temporaries()));
        }
        return b.toString();
    }
}
