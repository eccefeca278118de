package org.tarpo4j.cli;

import org.tarpo4j.examples.embedded.EmbeddedLayout;
import org.tarpo4j.examples.embedded.EmbeddedPreset;
import org.tarpo4j.examples.embedded.EmbeddedTask;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** The options every embedded-task command shares (a picocli mixin). */
final class EmbeddedOptions {
    @Option(names = "--preset", defaultValue = "default", description = "embedded task size: default or tiny (default: ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--runs", defaultValue = "runs", description = "runs directory (default: ${DEFAULT-VALUE})")
    Path runs;

    EmbeddedPreset preset() {
        return EmbeddedPreset.named(preset);
    }

    /** The task with its tokenizer under the runs directory. */
    EmbeddedTask task() throws IOException {
        return new EmbeddedTask(preset(), EmbeddedLayout.tokenizer(runs));
    }
}
