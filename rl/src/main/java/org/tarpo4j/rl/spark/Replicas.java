package org.tarpo4j.rl.spark;

import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.tarpo4j.rl.reward.RewardException;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The replicas of this JVM (an executor's, or the trainer's own in {@code local[N]}): built once per model and config,
 * one per task running at the same time, kept between steps. Replicas of another run are dropped when a new one asks.
 */
final class Replicas {
    private static final Object LOCK = new Object();
    private static final Deque<Replica> IDLE = new ArrayDeque<>();
    private static String currentKey;

    private Replicas() {}

    /** An idle replica of {@code spec}, or a new one (loading the model: the first task of a JVM, or a busy pool). */
    static Replica borrow(ReplicaSpec spec, String where) {
        String key = spec.key();
        synchronized (LOCK) {
            if (!key.equals(currentKey)) {
                IDLE.forEach(Replica::close);
                IDLE.clear();
                currentKey = key;
            }
            Replica idle = IDLE.poll();
            if (idle != null) return idle;
        }
        return Replica.load(spec, where);
    }

    /** Returns a replica after a task (one of an older run is closed instead). */
    static void giveBack(Replica r) {
        synchronized (LOCK) {
            if (r.key.equals(currentKey)) {
                IDLE.push(r);
                return;
            }
        }
        r.close();
    }

    /** Drops every idle replica (the application they served has ended). */
    static void clear() {
        synchronized (LOCK) {
            IDLE.forEach(Replica::close);
            IDLE.clear();
            currentKey = null;
        }
    }

    /** A task's work on a replica holding the broadcast state, which took {@code stateNanos} to fetch and assign. */
    interface Work {
        Serializable on(Replica replica, long stateNanos) throws Exception;
    }

    /**
     * Runs {@code work} on a borrowed replica given the broadcast state and returns its result serialised. The replica
     * goes back after the work or a reward's own error (which reaches the trainer as on one machine); after anything
     * else it is dropped (its state unknown) and the error becomes this executor's failure at {@code where}.
     */
    static byte[] run(ReplicaSpec spec, String where, long stateId, Broadcast<byte[]> state, Logger log, Work work) {
        long t0 = System.nanoTime();
        Replica replica = null;
        try {
            replica = borrow(spec, where);
            Serializable out = work.on(replica, replica.apply(stateId, state));
            giveBack(replica);
            TaskLog.line(log, "{}: done in {} ms", where, (System.nanoTime() - t0) / 1_000_000);
            return JavaBytes.write(out);
        } catch (RewardException e) {
            giveBack(replica);
            throw e;
        } catch (Throwable t) {
            discard(replica);
            throw ExecutorFailure.of(where, t);
        }
    }

    /** Drops a replica a task left in an unknown state (out of memory). */
    static void discard(Replica r) {
        if (r != null) r.close();
    }
}
