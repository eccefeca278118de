/**
 * The {@code bench} command and profiling entry points.
 *
 * <p>Internal: may change without notice.
 */
package org.tarpo4j.bench;
