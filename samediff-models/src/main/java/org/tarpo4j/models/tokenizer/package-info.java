/**
 * Hugging Face tokenizers (through DJL's binding of {@code tokenizers}) and chat templates.
 *
 * <p>Stable API.
 */
package org.tarpo4j.models.tokenizer;
