/**
 * A graph under construction, the arrays behind its parameters, and the gradient computation that adds what SameDiff
 * M2.1 cannot derive itself (the lookups of {@link org.tarpo4j.layers.TokenEmbedding}).
 *
 * <p>Stable API: {@link org.tarpo4j.layers.core.Graph}, {@link org.tarpo4j.layers.core.Parameters}, {@link
 * org.tarpo4j.layers.core.Init} and {@link org.tarpo4j.layers.core.Gradients}. Internal (public for the other
 * modules, may change without notice): {@code HostArrays}, {@code ScatterGradient}.
 */
package org.tarpo4j.layers.core;
