package org.tarpo4j.rl.spark;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code --add-opens} Spark needs on Java 17 (its launch scripts pass the same list): the trainer's JVM must be
 * started with them (the {@code tarpo} launcher and the tests are), executors get them in their Java options, with the
 * driver's collector and heap free ratios ({@link #heapShape}).
 */
final class JavaOptions {
    static final List<String> OPENED = List.of("java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net",
            "java.nio", "java.util", "java.util.concurrent", "java.util.concurrent.atomic", "jdk.internal.ref", "sun.nio.ch",
            "sun.nio.cs", "sun.security.action", "sun.util.calendar");

    private JavaOptions() {}

    /** @return the options, space-separated, as on a java command line */
    static String addOpens() {
        List<String> o = new ArrayList<>();
        for (String p : OPENED) o.add("--add-opens=java.base/" + p + "=ALL-UNNAMED");
        return String.join(" ", o);
    }

    /**
     * The options of {@code jvmArguments} (a JVM's input arguments) that choose its collector or how much free heap it
     * keeps ({@code -XX:+UseSerialGC}, {@code -XX:MinHeapFreeRatio=10}, ...): an executor runs the same steps as the
     * driver, so it keeps its heap as small (the launcher's reasons: README, "Memory over long runs"). Not the heap's
     * size: Spark sets that from {@code spark.executor.memory} and refuses {@code -Xmx} in the options.
     *
     * @return the options, space-separated, in their order; empty when there are none
     */
    static String heapShape(List<String> jvmArguments) {
        List<String> o = new ArrayList<>();
        for (String a : jvmArguments) {
            if (a.matches("-XX:[+-]Use\\w+GC|-XX:(Min|Max)HeapFreeRatio=\\d+")) o.add(a);
        }
        return String.join(" ", o);
    }

    /** @throws IllegalStateException naming the options when this JVM was started without them */
    static void requireOpened() {
        Module base = Object.class.getModule(), us = JavaOptions.class.getModule();
        List<String> missing = new ArrayList<>();
        for (String p : OPENED) if (!base.isOpen(p, us)) missing.add(p);
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Spark on Java 17 needs java.base opened to it, but this JVM does not open "
                    + missing + ": start it with " + addOpens() + " (the tarpo launcher does)");
        }
    }
}
