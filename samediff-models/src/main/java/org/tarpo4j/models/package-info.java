/**
 * Causal language models (Qwen2 and Llama families) loaded from and saved to Hugging Face directories. Example:
 * {@code examples/src/main/java/org/tarpo4j/examples/api/LoadAndGenerate.java}.
 *
 * <p>Stable API: {@link org.tarpo4j.models.CausalLm}. Internal: {@code DataDirectory} (locates the shared test data).
 */
package org.tarpo4j.models;
