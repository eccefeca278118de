package org.tarpo4j.rl.spark;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on 127.0.0.1 made of this JVM's class path, no Spark distribution: a master and workers
 * of one core each, as child processes. Workers launch executors through Spark's launcher, which wants a
 * {@code SPARK_HOME} whose {@code jars/} holds the jars (links to the Maven ones) and {@code SPARK_SCALA_VERSION}.
 * Executors get the class path (class directories included) as {@code spark.executor.extraClassPath}.
 */
final class StandaloneSparkCluster implements AutoCloseable {
    private final Path dir;
    private final Process master;
    private final List<Process> workers = new ArrayList<>();
    private final int port;

    private StandaloneSparkCluster(Path dir, Process master, int port) {
        this.dir = dir;
        this.master = master;
        this.port = port;
    }

    /** The class path of this test JVM (surefire's, not its booter jar's). */
    static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    static StandaloneSparkCluster start(Path dir, int workerCount) throws IOException, InterruptedException {
        Path jars = Files.createDirectories(dir.resolve("spark-home/jars"));
        for (String entry : classPath().split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (entry.endsWith(".jar") && Files.isRegularFile(p) && !Files.exists(jars.resolve(p.getFileName()))) {
                Files.createSymbolicLink(jars.resolve(p.getFileName()), p.toAbsolutePath());
            }
        }
        // the cluster's own processes log at INFO: their start-up lines tell when they are ready
        Files.writeString(dir.resolve("logback.xml"), "<configuration><appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                + "<encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg%n</pattern></encoder></appender>"
                + "<root level=\"INFO\"><appender-ref ref=\"OUT\"/></root></configuration>");
        int port = freePort();
        Process master = launch(dir, "master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                "--port", String.valueOf(port), "--webui-port", String.valueOf(freePort())));
        StandaloneSparkCluster c = new StandaloneSparkCluster(dir, master, port);
        try {
            awaitLine(dir.resolve("master.log"), "I have been elected leader", master, 60);
            for (int i = 0; i < workerCount; i++) {
                Path work = Files.createDirectories(dir.resolve("work-" + i));
                Process w = launch(dir, "worker-" + i, List.of("org.apache.spark.deploy.worker.Worker", c.url(), "--host",
                        "127.0.0.1", "--cores", "1", "--memory", "2g", "--webui-port", String.valueOf(freePort()),
                        "--work-dir", work.toString()));
                c.workers.add(w);
            }
            for (int i = 0; i < workerCount; i++) {
                awaitLine(dir.resolve("worker-" + i + ".log"), "Successfully registered with master", c.workers.get(i), 60);
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private static Process launch(Path dir, String name, List<String> mainAndArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-Dlogback.configurationFile=" + dir.resolve("logback.xml")));
        cmd.addAll(List.of(JavaOptions.addOpens().split(" ")));
        cmd.addAll(List.of("-cp", classPath()));
        cmd.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", dir.resolve("spark-home").toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("OMP_NUM_THREADS", "1");
        return pb.start();
    }

    private static void awaitLine(Path log, String text, Process p, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(text)) return;
            if (!p.isAlive()) throw new IllegalStateException(log.getFileName() + ": the process ended: " + tail(log));
            Thread.sleep(100);
        }
        throw new IllegalStateException(log.getFileName() + ": no '" + text + "' within " + seconds + " s: " + tail(log));
    }

    static String tail(Path log) throws IOException {
        if (!Files.exists(log)) return "(no log)";
        String s = Files.readString(log, StandardCharsets.UTF_8);
        return s.substring(Math.max(0, s.length() - 3000));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    String url() { return "spark://127.0.0.1:" + port; }

    Path dir() { return dir; }

    /** The worker whose executor (a child process) has this Spark executor id, if any. */
    Optional<Integer> workerOfExecutor(String executorId) {
        for (int i = 0; i < workers.size(); i++) {
            if (workers.get(i).descendants().anyMatch(ph -> isExecutor(ph, executorId))) return Optional.of(i);
        }
        return Optional.empty();
    }

    private static boolean isExecutor(ProcessHandle ph, String executorId) {
        List<String> args;
        try { // ProcessHandle.Info leaves out the arguments of a command line this long: read Linux's own record
            args = List.of(new String(Files.readAllBytes(Path.of("/proc", String.valueOf(ph.pid()), "cmdline")),
                    StandardCharsets.UTF_8).split("\0"));
        } catch (IOException e) {
            return false; // ended meanwhile
        }
        int at = args.indexOf("--executor-id");
        return at >= 0 && at + 1 < args.size() && args.get(at + 1).equals(executorId);
    }

    /** Kills a worker and its executors at once (SIGKILL), as a machine lost. */
    void killWorker(int i) {
        Process w = workers.get(i);
        w.descendants().forEach(ProcessHandle::destroyForcibly);
        w.destroyForcibly();
    }

    @Override
    public void close() {
        try (var links = Files.list(dir.resolve("spark-home/jars"))) { // links to the Maven repository: not JUnit's to delete
            for (Path l : (Iterable<Path>) links::iterator) Files.deleteIfExists(l);
        } catch (IOException e) {
            // left for the temporary directory's clean-up
        }
        List<ProcessHandle> all = new ArrayList<>();
        for (Process w : workers) {
            w.descendants().forEach(all::add);
            all.add(w.toHandle());
        }
        all.add(master.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }
}
