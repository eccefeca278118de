/**
 * SameDiff building blocks of the decoders, usable in graphs of your own: {@link org.tarpo4j.layers.TokenEmbedding}
 * (a differentiable lookup, as M2.1 cannot differentiate a gather), {@link org.tarpo4j.layers.Linear} (with LoRA),
 * {@link org.tarpo4j.layers.RmsNorm}, {@link org.tarpo4j.layers.RotaryEmbedding}, {@link
 * org.tarpo4j.layers.GroupedQueryAttention}, {@link org.tarpo4j.layers.SwiGluMlp}. Each takes a {@link
 * org.tarpo4j.layers.core.Graph} and adds named variables and ops to it.
 *
 * <p>Stable API.
 */
package org.tarpo4j.layers;
