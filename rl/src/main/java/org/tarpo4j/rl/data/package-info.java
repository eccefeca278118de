/**
 * Problems and their loaders (GSM8K, MATH, generic JSONL), the prompt builder (chat templates), a problem's prompt as
 * ids ({@link org.tarpo4j.rl.data.PromptEncoder}) and the check that every prompt fits the context
 * ({@link org.tarpo4j.rl.data.PromptLengths}).
 *
 * <p>Stable API.
 */
package org.tarpo4j.rl.data;
