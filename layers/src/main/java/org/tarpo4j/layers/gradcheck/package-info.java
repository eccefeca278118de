/**
 * A finite-difference check of a graph's gradients in double precision, through the same path training uses; for
 * checking graphs of your own.
 *
 * <p>Stable API.
 */
package org.tarpo4j.layers.gradcheck;
