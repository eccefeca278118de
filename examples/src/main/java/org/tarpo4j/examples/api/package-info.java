/**
 * Using tarpo4j from Java: loading and generating, the TARPO layers in a graph of your own, training with a custom
 * reward, an Arbiter sweep scored by your own code.
 *
 * <p>Examples, not an API: each class is one runnable idea with a {@code main}, run by a test on the shared tiny
 * models.
 */
package org.tarpo4j.examples.api;
