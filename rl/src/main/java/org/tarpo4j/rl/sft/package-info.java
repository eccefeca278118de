/**
 * Supervised fine-tuning (the warm start).
 *
 * <p>Internal: may change without notice.
 */
package org.tarpo4j.rl.sft;
