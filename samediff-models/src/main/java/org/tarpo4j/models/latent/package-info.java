/**
 * The latent modes' graphs and heads (router, HRPO gate) and their persistence beside the Hugging Face weights.
 *
 * <p>Internal: may change without notice, except {@link org.tarpo4j.models.latent.LatentMode}, which is part of the
 * stable API.
 */
package org.tarpo4j.models.latent;
