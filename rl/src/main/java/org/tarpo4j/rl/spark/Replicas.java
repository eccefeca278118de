package org.tarpo4j.rl.spark;

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

    /** Drops a replica a task left in an unknown state (out of memory). */
    static void discard(Replica r) {
        if (r != null) r.close();
    }
}
