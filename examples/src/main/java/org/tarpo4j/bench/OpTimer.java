package org.tarpo4j.bench;

import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A SameDiff listener that times every op execution (wall time between the pre- and post-execution callbacks) and
 * aggregates it by op type, so a step's time splits into "inside ops" and "session overhead" (the rest).
 */
public final class OpTimer extends BaseListener {
    private final Map<String, long[]> byType = new HashMap<>();   // type -> {nanos, count}
    private final Map<String, long[]> byName = new HashMap<>();
    private long start;
    private boolean enabled = true;

    public void enable(boolean on) { enabled = on; }

    // -Dop_timer=cpu: the thread's CPU time, which other jobs on the cores do not inflate (ops run on the calling
    // thread with one intra-op thread); default wall time
    private static final boolean CPU = "cpu".equals(System.getProperty("op_timer"));
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private static long now() { return CPU ? THREADS.getCurrentThreadCpuTime() : System.nanoTime(); }

    @Override public boolean isActive(Operation operation) { return enabled; }

    @Override
    public void preOpExecution(SameDiff sd, At at, SameDiffOp op, OpContext ctx) { start = now(); }

    @Override
    public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext ctx, INDArray[] outputs) {
        long dt = now() - start;
        String type = op.getOp().opName();
        long[] t = byType.computeIfAbsent(type, k -> new long[2]);
        t[0] += dt;
        t[1]++;
        String shapes = outputs == null || outputs.length == 0 || outputs[0] == null ? "" : java.util.Arrays.toString(outputs[0].shape());
        long[] n = byName.computeIfAbsent(op.getName() + " (" + type + ") " + op.getInputsToOp() + " -> " + shapes, k -> new long[2]);
        n[0] += dt;
        n[1]++;
    }

    public void reset() { byType.clear(); byName.clear(); }

    public double totalMs() { return byType.values().stream().mapToLong(v -> v[0]).sum() / 1e6; }

    public long count() { return byType.values().stream().mapToLong(v -> v[1]).sum(); }

    /** The top {@code n} op types by time: "type ms count". */
    public String report(int n, boolean names) {
        List<Map.Entry<String, long[]>> e = new ArrayList<>((names ? byName : byType).entrySet());
        e.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(n, e.size()); i++) {
            sb.append(String.format("%10.2f ms %6d  %s%n", e.get(i).getValue()[0] / 1e6, e.get(i).getValue()[1], e.get(i).getKey()));
        }
        return sb.toString();
    }
}
