/**
 * Evaluation: avg@k with a 95% interval, unbiased pass@k, maj@k, tokens and the soft ratio.
 *
 * <p>Stable API.
 */
package org.tarpo4j.rl.eval;
