package org.tarpo4j.layers.core;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Memory for SameDiff sessions that is reused within a call and from one call to the next instead of being allocated
 * afresh.
 *
 * <p>Why: M2.1's sessions allocate every array of a pass as a new native buffer that only the Java GC frees, much
 * later, and its gradient calls release almost nothing before the pass ends (measured: 16 of 764 arrays per training
 * step of a 4-layer d=256 model, 1.2 GB allocated per step). Fresh buffers cost page faults (kernel zeroing): measured
 * 1–4 s of a 3–5 s step, and the process grew to gigabytes.
 *
 * <p>How: the graph's session gets a {@link Manager} that hands out arrays from a pool keyed by data type, order and
 * shape. An array the session releases (its last consumer has run) goes back to the pool at once and serves the next
 * request of that shape, so a pass holds its live set, not everything it ever made (with releases on, see
 * {@link Gradients}). {@link #recycle} (called before each call) returns the rest of the previous call's arrays, its
 * outputs among them, to the pool, so the caller must not keep any array a call returned: copy what is kept.
 * Pool entries not used during one whole call are freed, and so are those not yet used in the current call as soon as
 * it asks for a shape the last call did not: a pass over other shapes (another sequence length) never holds the last
 * pass's arrays beside its own, while a pass like the last one that finds a shape short (its arrays were handed over
 * to the caller, as gradients are) allocates just that array.
 *
 * <p>Internal: public for {@link #peakBytes} (memory tests and plans), may change without notice.
 */
public final class RecyclingMemory {
    private RecyclingMemory() {}

    /**
     * Gives the current thread's session of {@code graph} a recycling manager (once) and returns every array the
     * previous call handed out to its pool. Call before each execution of the graph.
     */
    public static void recycle(SameDiff graph) {
        long thread = Thread.currentThread().getId();
        if (graph.getSessions().get(thread) instanceof ManyOutputSession session && session.getMmgr() instanceof Manager m) {
            m.recycle();
            return;
        }
        // the first call on this thread: our session (one SameDiff made while building the graph holds nothing of ours)
        ManyOutputSession session = new ManyOutputSession(graph);
        session.setMmgr(new Manager(freedIds(session)));
        InferenceSession previous = graph.getSessions().put(thread, session);
        if (previous != null && previous.getMmgr() != null) previous.getMmgr().close();
    }

    /**
     * The most bytes the session memory of {@code graph} (on this thread) has held at once since the last
     * {@link #resetPeak}: the working memory of its passes. 0 before its first pass.
     */
    public static long peakBytes(SameDiff graph) {
        InferenceSession session = graph.getSessions().get(Thread.currentThread().getId());
        return session != null && session.getMmgr() instanceof Manager m ? m.peakHeld : 0;
    }

    /**
     * Takes {@code array}, which the last call of {@code graph}'s session (on this thread) handed out, out of its pool:
     * the caller owns it from now on and closes it. False when the pool does not own it (e.g. it is a view): copy it.
     */
    public static boolean handOver(SameDiff graph, INDArray array) {
        InferenceSession session = graph.getSessions().get(Thread.currentThread().getId());
        return session != null && session.getMmgr() instanceof Manager m && m.handOver(array);
    }

    /**
     * Frees every array the session memory of {@code graph} and of its backward pass holds, on every thread: for a
     * graph that is done (a finished run's), whose pools the garbage collector would otherwise free only when it gets to
     * them. The graph can still run; its pools start empty. No array a call of it handed out may be in use.
     *
     * @return the bytes freed
     */
    public static long release(SameDiff graph) {
        long freed = 0;
        SameDiff backward = graph.getFunction("grad");
        for (SameDiff sd : backward == null ? List.of(graph) : List.of(graph, backward)) {
            for (InferenceSession session : sd.getSessions().values()) {
                if (session.getMmgr() instanceof Manager m) {
                    freed += m.held;
                    m.close();
                }
            }
        }
        return freed;
    }

    /**
     * Takes back {@code array}, which {@link #handOver} took out of the pool of {@code graph}'s session (on this thread)
     * in any earlier call, for the next call: a step's gradients (handed over by its first micro-batch) serve the next
     * step's backward pass instead of being freed and allocated again (70 MB a step with LoRA at the 0.5B shape, 2 GB under full fine-tuning). False when the array is
     * not one this pool handed over (close it instead). The caller must not use it afterwards.
     */
    public static boolean takeBack(SameDiff graph, INDArray array) {
        InferenceSession session = graph.getSessions().get(Thread.currentThread().getId());
        return session != null && session.getMmgr() instanceof Manager m && m.takeBack(array);
    }

    /** Arrays the session memory of {@code graph} (on this thread) has allocated afresh so far: requests it could not serve. */
    public static long allocations(SameDiff graph) {
        InferenceSession session = graph.getSessions().get(Thread.currentThread().getId());
        return session != null && session.getMmgr() instanceof Manager m ? m.allocations : 0;
    }

    /** Starts a new high-water mark at what the pool holds now. */
    public static void resetPeak(SameDiff graph) {
        InferenceSession session = graph.getSessions().get(Thread.currentThread().getId());
        if (session != null && session.getMmgr() instanceof Manager m) m.peakHeld = m.held;
    }

    /**
     * The session's record of the array ids it has released. M2.1 never clears it, and releases an array only if its
     * id is not in it: an array handed out again after a release (the point of a pool) would never be released a
     * second time, and the set would grow by thousands of ids a step. The manager keeps it in step with the pool.
     */
    @SuppressWarnings("unchecked")
    private static Set<Long> freedIds(InferenceSession session) {
        try {
            java.lang.reflect.Field f = InferenceSession.class.getDeclaredField("freedArrays");
            f.setAccessible(true);
            return (Set<Long>) f.get(session);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("this ND4J version's InferenceSession has no freedArrays set; "
                    + "RecyclingMemory needs it (written for 1.0.0-M2.1)", e);
        }
    }

    /** The session memory manager: a pool by (type, order, shape). Not thread-safe (one per session, i.e. thread). */
    static final class Manager implements SessionMemMgr {
        private record Key(DataType type, char order, List<Long> shape) {
            static Key of(DataType t, char order, long[] shape) {
                List<Long> s = new ArrayList<>(shape.length);
                for (long d : shape) s.add(d);
                return new Key(t, order, s);
            }
        }

        private final Set<Long> freedIds;
        private long held, peakHeld;   // bytes of every array the pool owns (in use or free), and their high-water mark
        private long allocations;      // arrays allocated afresh (a request the pool could not serve)
        private Set<Key> keysLastCall = new HashSet<>(), keysThisCall = new HashSet<>();
        private final Map<Key, ArrayDeque<INDArray>> free = new HashMap<>();
        private final Map<Key, List<INDArray>> inUse = new HashMap<>();
        private final Set<INDArray> takenThisCall = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        private final Set<INDArray> handedOver = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

        Manager(Set<Long> freedIds) {
            this.freedIds = freedIds;
        }

        private static long bytes(INDArray a) {
            return a.length() * a.dataType().width();
        }

        @Override
        public INDArray allocate(boolean detached, DataType dataType, long... shape) {
            return take(dataType, 'c', shape);
        }

        @Override
        public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
            if (descriptor.isEmpty()) return Nd4j.create(descriptor);
            return take(descriptor.dataType(), descriptor.getOrder(), descriptor.getShape());
        }

        private INDArray take(DataType type, char order, long[] shape) {
            for (long d : shape) if (d == 0) return Nd4j.create(type, shape);
            Key key = Key.of(type, order, shape);
            keysThisCall.add(key);
            ArrayDeque<INDArray> pool = free.get(key);
            INDArray a = pool == null ? null : pool.pollFirst();
            if (a == null) {
                // a shape the last call never asked for: this pass differs from it (e.g. another micro-batch width), so
                // arrays of the last pass not needed so far are unlikely to be needed at all; free them before growing.
                // A shape it did ask for is only short (its arrays were handed over, e.g. gradients): keep the rest.
                if (!keysLastCall.contains(key)) freeStale();
                a = Nd4j.createUninitializedDetached(type, order, shape);
                allocations++;
                held += bytes(a);
                peakHeld = Math.max(peakHeld, held);
            } else {
                freedIds.remove(a.getId()); // handed out again: the session must be able to release it again
            }
            inUse.computeIfAbsent(key, k -> new ArrayList<>()).add(a);
            takenThisCall.add(a);
            return a;
        }

        @Override
        public INDArray ulike(INDArray arr) { return take(arr.dataType(), arr.ordering(), arr.shape()); }

        @Override
        public INDArray dup(INDArray arr) {
            INDArray out = ulike(arr);
            if (!arr.isEmpty()) out.assign(arr);
            return out;
        }

        /**
         * The session is done with {@code array}: it goes back to the pool and serves the next request of its shape in
         * the same call. (Arrays the session never releases, its outputs among them, come back at {@link #recycle}.)
         */
        @Override
        public void release(INDArray array) {
            Key key = Key.of(array.dataType(), array.ordering(), array.shape());
            List<INDArray> used = inUse.get(key);
            if (used == null) return; // not one of ours (e.g. an empty array)
            for (int i = used.size() - 1; i >= 0; i--) {
                if (used.get(i) == array) {
                    used.remove(i);
                    free.computeIfAbsent(key, k -> new ArrayDeque<>()).addFirst(array);
                    return;
                }
            }
        }

        void recycle() {
            freeStale(); // what sat unused in the pool for a whole call (e.g. shapes of a previous sequence length)
            inUse.forEach((k, list) -> free.computeIfAbsent(k, x -> new ArrayDeque<>()).addAll(list));
            inUse.clear();
            takenThisCall.clear();
            freedIds.clear();
            handedOver.removeIf(INDArray::wasClosed); // the caller closed them instead of giving them back
            keysLastCall = keysThisCall;
            keysThisCall = new HashSet<>();
        }

        boolean handOver(INDArray array) {
            List<INDArray> used = inUse.get(Key.of(array.dataType(), array.ordering(), array.shape()));
            if (used == null) return false;
            for (int i = used.size() - 1; i >= 0; i--) {
                if (used.get(i) == array) {
                    used.remove(i);
                    takenThisCall.remove(array);
                    handedOver.add(array);
                    held -= bytes(array);
                    return true;
                }
            }
            return false;
        }

        boolean takeBack(INDArray array) {
            if (!handedOver.remove(array)) return false;
            // counted as used by the last call, so the next recycle keeps it for the call after
            inUse.computeIfAbsent(Key.of(array.dataType(), array.ordering(), array.shape()), k -> new ArrayList<>()).add(array);
            takenThisCall.add(array);
            held += bytes(array);
            peakHeld = Math.max(peakHeld, held);
            return true;
        }

        /** Frees the pooled arrays not taken during the current call. */
        private void freeStale() {
            for (Iterator<Map.Entry<Key, ArrayDeque<INDArray>>> it = free.entrySet().iterator(); it.hasNext(); ) {
                ArrayDeque<INDArray> pool = it.next().getValue();
                pool.removeIf(a -> {
                    if (takenThisCall.contains(a)) return false;
                    held -= bytes(a);
                    if (a.closeable()) a.close();
                    return true;
                });
                if (pool.isEmpty()) it.remove();
            }
        }

        @Override
        public void close() {
            recycle();
            recycle();
            handedOver.clear(); // the caller's now: closed by it, or taken back into an empty pool
        }

        @Override
        public String toString() {
            long n = inUse.values().stream().mapToLong(List::size).sum(), f = free.values().stream().mapToLong(ArrayDeque::size).sum();
            return "RecyclingMemory.Manager[in use " + n + ", free " + f + "]";
        }
    }
}
