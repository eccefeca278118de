package org.tarpo4j.models;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared data directory (datasets, tokenizers, reference models) that lives beside the checkout.
 *
 * <p>Resolution order: the {@code TARPO_DATA_DIR} environment variable, the {@code tarpo.shared.dir} system
 * property (set by the build for tests), then {@code ../shared} relative to the working directory.
 * A missing file is an error, never a silent skip: tests that need shared data must fail loudly without it.
 *
 * <p>Internal: public for the other modules of tarpo4j, may change without notice.
 */
public final class DataDirectory {
    public static final String ENV = "TARPO_DATA_DIR";
    public static final String PROPERTY = "tarpo.shared.dir";

    private DataDirectory() {}

    /** The shared directory as configured (it may not exist). */
    public static Path root() {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) return Path.of(env);
        String prop = System.getProperty(PROPERTY);
        if (prop != null && !prop.isBlank()) return Path.of(prop);
        return Path.of("..", "shared");
    }

    /** {@code root().resolve(relative)}, which must exist; otherwise an exception explaining how to provide it. */
    public static Path require(String relative) {
        Path p = root().resolve(relative).normalize();
        if (!Files.exists(p)) {
            throw new IllegalStateException("shared data not found: " + p.toAbsolutePath()
                    + " (set " + ENV + " to the shared directory that holds '" + relative + "')");
        }
        return p;
    }
}
