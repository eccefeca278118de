package org.tarpo4j.rl.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.tarpo4j.rl.reward.RewardException;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The trainer's Spark application: a context on the given master with the settings this project needs, and jobs run
 * so that they end, with an error naming the cause, instead of waiting forever for executors that are gone. One
 * application serves every trainer of this JVM that asks for the same master and settings (executors keep their
 * models between runs); it ends with the JVM, or when a trainer asks for another master or other settings.
 *
 * <p>Settings taken from {@code spark.*} system properties (as {@code spark-submit} and {@code -Dspark.x=y} set them)
 * win over the defaults here: the driver binds to 127.0.0.1 when the master is local or on this machine, executors
 * get {@code OMP_NUM_THREADS} and the Java options ({@code --add-opens}, the trainer's collector, heap free ratios and
 * JavaCPP memory limits) unless given, and {@value #EXECUTOR_WAIT} (seconds, default 120) bounds how long a step waits without any executor.
 */
final class SparkCluster {
    /** Seconds to wait for a first executor, or for any executor while a job runs, before failing. */
    static final String EXECUTOR_WAIT = "spark.tarpo.executorWaitSeconds";
    private static SparkCluster shared;

    private final MasterUrl master;
    private final JavaSparkContext sc;
    private final boolean owned;
    private final long waitMillis;
    private final Map<String, String> request;

    private SparkCluster(MasterUrl master, JavaSparkContext sc, boolean owned, Map<String, String> request) {
        this.master = master;
        this.sc = sc;
        this.owned = owned;
        this.request = request;
        this.waitMillis = 1000L * sc.getConf().getInt(EXECUTOR_WAIT, 120);
    }

    /**
     * Connects to {@code master}: checks the URL, that the master answers and that this JVM can run Spark, starts the
     * application (or joins the one this JVM runs already: its own from an earlier trainer with the same settings, or
     * one started outside, e.g. under {@code spark-submit}) and waits for an executor.
     *
     * @throws IllegalArgumentException for a bad or unreachable master
     * @throws IllegalStateException    when this JVM lacks Spark's Java options, or no executor comes
     */
    static synchronized SparkCluster connect(String master) {
        MasterUrl url = MasterUrl.parse(master);
        JavaOptions.requireOpened();
        // spark.* system properties (spark-submit's, or -D) come first
        SparkConf conf = url.loopback() ? LoopbackConf.withDefaults() : new SparkConf();
        conf.setMaster(url.url());
        conf.setIfMissing("spark.app.name", "tarpo4j");
        String omp = System.getenv("OMP_NUM_THREADS");
        conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", omp == null ? "1" : omp);
        conf.setIfMissing("spark.executor.extraJavaOptions", executorJavaOptions());
        Map<String, String> request = new TreeMap<>();
        for (var kv : conf.getAll()) request.put(kv._1(), kv._2());
        if (shared != null && !shared.sc.sc().isStopped() && shared.request.equals(request)) return shared;
        stopShared();
        url.requireReachable(3000);
        JavaSparkContext sc;
        boolean owned = true;
        try {
            sc = new JavaSparkContext(conf);
        } catch (Exception e) {
            String m = String.valueOf(e.getMessage());
            if (!m.contains("Only one SparkContext")) {
                throw new IllegalArgumentException("spark_master '" + master + "': Spark could not start (" + firstLine(m) + ")", e);
            }
            sc = JavaSparkContext.fromSparkContext(SparkContext.getOrCreate(conf)); // the caller's own application
            owned = false;
            if (!sc.master().equals(url.url())) {
                throw new IllegalStateException("spark_master '" + master + "': this JVM already runs a Spark application "
                        + "on " + sc.master() + " (one per JVM): use that master, or stop it first");
            }
        }
        SparkCluster cluster = new SparkCluster(url, sc, owned, request);
        try {
            cluster.awaitExecutor();
        } catch (RuntimeException e) {
            cluster.stop();
            throw e;
        }
        shared = cluster;
        return cluster;
    }

    /** Ends this JVM's application if a trainer started it; the executor replicas this JVM built for it go too. */
    static synchronized void stopShared() {
        if (shared != null) {
            shared.stop();
            shared = null;
            Replicas.clear();
        }
    }

    /**
     * The executors' Java options: Spark's --add-opens, the trainer's JavaCPP limits (off-heap memory is GC-driven) and,
     * as the driver has it, the Vector API its rollouts' decoder runs on.
     */
    private static String executorJavaOptions() {
        StringBuilder b = new StringBuilder(JavaOptions.addOpens());
        String heap = JavaOptions.heapShape(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        if (!heap.isEmpty()) b.append(' ').append(heap);
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) b.append(" --add-modules=jdk.incubator.vector");
        for (String p : List.of("org.bytedeco.javacpp.maxbytes", "org.bytedeco.javacpp.maxphysicalbytes")) {
            String v = System.getProperty(p);
            if (v != null) b.append(" -D").append(p).append('=').append(v);
        }
        return b.toString();
    }

    JavaSparkContext sc() { return sc; }

    boolean local() { return master.local(); }

    String url() { return master.url(); }

    /** @return executors registered now (this JVM counts as one in local mode) */
    int executors() {
        int n = sc.sc().statusTracker().getExecutorInfos().length;
        return master.local() ? n : Math.max(0, n - 1); // the driver is listed too
    }

    /** @return task slots: the cores of the registered executors */
    int slots() {
        return Math.max(1, sc.sc().defaultParallelism());
    }

    private void awaitExecutor() {
        long deadline = System.currentTimeMillis() + waitMillis;
        while (executors() == 0) {
            if (sc.sc().isStopped()) {
                throw new IllegalStateException("spark_master '" + master.url() + "': the master ended the application "
                        + "before any executor started (see the master's log)");
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("spark_master '" + master.url() + "': no executor joined within "
                        + waitMillis / 1000 + " s. Does a worker have the free cores and memory the application asks for "
                        + "(spark.executor.memory=" + sc.getConf().get("spark.executor.memory", "1g") + ", spark.executor.cores="
                        + sc.getConf().get("spark.executor.cores", "all of a worker's") + ")? Raise " + EXECUTOR_WAIT
                        + " for clusters that scale up slowly");
            }
            sleep(200);
        }
    }

    /**
     * Runs {@code rdd.collect()} as a job named {@code what} (it names the job in the Spark UI and in errors). A failed
     * task is retried by Spark as configured; the job fails with an error naming the cause when a task keeps failing,
     * and when no executor has been alive for {@value #EXECUTOR_WAIT} seconds.
     *
     * @throws RewardException     a reward function's own error, as on one machine
     * @throws SparkStepException otherwise
     */
    <T> List<T> collect(JavaRDD<T> rdd, String what) {
        sc.setCallSite(what);
        sc.setJobDescription(what);
        JavaFutureAction<List<T>> job = rdd.collectAsync();
        long alone = -1;
        try {
            while (true) {
                try {
                    return job.get(500, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (sc.sc().isStopped()) throw new SparkStepException(what + ": the Spark application was stopped", null);
                    if (executors() > 0) {
                        alone = -1;
                    } else if (alone < 0) {
                        alone = System.currentTimeMillis();
                    } else if (System.currentTimeMillis() - alone > waitMillis) {
                        job.cancel(true);
                        throw new SparkStepException(what + ": no executor has been alive for " + waitMillis / 1000
                                + " s (all lost, none restarted): check the workers", null);
                    }
                }
            }
        } catch (ExecutionException e) {
            throw explain(what, e.getCause());
        } catch (InterruptedException e) {
            job.cancel(true);
            Thread.currentThread().interrupt();
            throw new SparkStepException(what + ": interrupted", e);
        } finally {
            sc.clearCallSite();
        }
    }

    /** The error to raise for a failed job: a reward's or an executor's own, else Spark's first line with a hint. */
    static RuntimeException explain(String what, Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof RewardException r) return r;
            if (c instanceof ExecutorFailure f) return new SparkStepException(f.getMessage(), t);
        }
        String m = firstLine(String.valueOf(t.getMessage()));
        int at = m.indexOf(ExecutorFailure.class.getName() + ": ");
        if (at >= 0) return new SparkStepException(m.substring(at + ExecutorFailure.class.getName().length() + 2), t);
        if (m.contains("exited with code 52") || m.contains("OutOfMemoryError") || m.contains("OOMKilled")) {
            return new SparkStepException(what + ": an executor ran out of memory and died (" + m + "). Give executors more "
                    + "memory (spark.executor.memory, spark.executor.memoryOverhead) or fewer cores each", t);
        }
        return new SparkStepException(what + " failed on Spark: " + m, t);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Spark executors", e);
        }
    }

    private void stop() {
        if (owned) sc.stop();
    }
}
