/**
 * The {@code tarpo} command line.
 *
 * <p>Internal: may change without notice.
 */
package org.tarpo4j.cli;
