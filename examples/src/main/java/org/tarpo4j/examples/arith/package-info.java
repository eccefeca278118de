/**
 * The embedded task's problems and its character-level tokenizer.
 *
 * <p>Internal: may change without notice.
 */
package org.tarpo4j.examples.arith;
