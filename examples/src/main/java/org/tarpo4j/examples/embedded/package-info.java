/**
 * The embedded default run: presets, warm start, RL, COCONUT and the comparison.
 *
 * <p>Internal: may change without notice.
 */
package org.tarpo4j.examples.embedded;
