package org.tarpo4j.tests.kill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code tarpo train --config FILE [--resume]} in a child JVM on this test's classpath, with its output in files, so
 * that it can be killed with SIGKILL ({@link Process#destroyForcibly()} on Linux).
 */
final class ChildTrainer {
    private final Process process;
    private final Path stdout, stderr;

    private ChildTrainer(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static ChildTrainer start(Path config, boolean resume, Path logs, String label) throws IOException {
        // surefire's booter puts the test classpath here; java.class.path may be its manifest-only jar
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // C1 only: the short-lived children spend half their time in C2 compiles otherwise; the results are the same
                "-XX:TieredStopAtLevel=1", "-Xmx512m", "-XX:+UseSerialGC", "-Dorg.bytedeco.javacpp.maxbytes=2g",
                "-Dorg.bytedeco.javacpp.maxphysicalbytes=4g",
                "-cp", classpath, "org.tarpo4j.cli.Main", "train", "--config", config.toString()));
        if (resume) command.add("--resume");
        Files.createDirectories(logs);
        Path out = logs.resolve(label + ".out"), err = logs.resolve(label + ".err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1"); // one intra-op thread, as the tests run: results are bit-reproducible
        pb.environment().put("OPT_OUT_TRACKING", "true");
        return new ChildTrainer(pb.start(), out, err);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, then wait for the process to be gone; returns whether it was still running when killed. */
    boolean kill() throws InterruptedException {
        boolean alive = process.isAlive();
        process.destroyForcibly();
        process.waitFor();
        return alive;
    }

    /** The exit code, or a failure with the child's error output if it does not end in time. */
    int waitFor(Duration timeout) throws InterruptedException, IOException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
            throw new AssertionError("the child did not finish within " + timeout + ":\n" + stderr());
        }
        return process.exitValue();
    }

    String stdout() throws IOException {
        return Files.readString(stdout);
    }

    String stderr() throws IOException {
        return Files.exists(stderr) ? Files.readString(stderr) : "";
    }
}
