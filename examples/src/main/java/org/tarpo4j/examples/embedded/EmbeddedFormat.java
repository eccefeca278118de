package org.tarpo4j.examples.embedded;

import org.tarpo4j.rl.data.DataFormatProvider;

/** The embedded arithmetic task's {@code data_format}: its problems are generated, not read (the command line runs it). */
public final class EmbeddedFormat implements DataFormatProvider {
    /** The format's name in run configs. */
    public static final String NAME = "arith";

    @Override
    public String name() { return NAME; }
}
