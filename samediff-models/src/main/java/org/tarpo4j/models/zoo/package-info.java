/**
 * Entry points by model family, like DL4J zoo models: {@link org.tarpo4j.models.zoo.Qwen25} and {@link
 * org.tarpo4j.models.zoo.Llama31}.
 *
 * <p>Stable API.
 */
package org.tarpo4j.models.zoo;
