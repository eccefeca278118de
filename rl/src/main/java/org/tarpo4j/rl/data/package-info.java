/**
 * Problems and their loaders (GSM8K, MATH, generic JSONL) and the prompt builder (chat templates).
 *
 * <p>Stable API.
 */
package org.tarpo4j.rl.data;
