/**
 * Console progress of long loops, on standard error (standard output carries only a command's result).
 *
 * <p>Internal: may change without notice.
 */
package org.tarpo4j.rl.progress;
