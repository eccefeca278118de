/**
 * The decoder graph (one for Qwen2 and Llama), its input layers and heads, and the incremental decoders; reached
 * through {@link org.tarpo4j.models.CausalLm}.
 *
 * <p>Internal: may change without notice.
 */
package org.tarpo4j.models.decoder;
