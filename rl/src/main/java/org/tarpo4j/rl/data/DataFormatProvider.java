package org.tarpo4j.rl.data;

/**
 * A {@code data_format} that a module above rl provides, e.g. a task whose problems are generated rather than read from a
 * file. Found with {@link java.util.ServiceLoader} (a {@code META-INF/services/org.tarpo4j.rl.data.DataFormatProvider}
 * entry), so that run configs naming it are accepted when they are read, while rl knows no task of its own beyond the
 * files {@link Datasets#load} reads.
 */
public interface DataFormatProvider {
    /** @return the {@code data_format} name */
    String name();
}
