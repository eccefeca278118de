package org.tarpo4j.cli;

import org.tarpo4j.examples.embedded.EmbeddedPreset;

/** Embedded presets by name. */
final class Presets {
    private Presets() {}

    static EmbeddedPreset byName(String name) {
        return switch (name) {
            case "default" -> EmbeddedPreset.DEFAULT;
            case "tiny" -> EmbeddedPreset.TINY;
            default -> throw new IllegalArgumentException("unknown preset '" + name + "' (default or tiny)");
        };
    }
}
