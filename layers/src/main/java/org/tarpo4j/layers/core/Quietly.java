package org.tarpo4j.layers.core;

import java.io.OutputStream;
import java.io.PrintStream;

/** Runs code with {@code System.out} muted, for library calls that print instead of logging. */
final class Quietly {
    private static final PrintStream NOWHERE = new PrintStream(OutputStream.nullOutputStream());

    private Quietly() {}

    public static synchronized void run(Runnable r) {
        PrintStream out = System.out;
        System.setOut(NOWHERE);
        try {
            r.run();
        } finally {
            System.setOut(out);
        }
    }
}
