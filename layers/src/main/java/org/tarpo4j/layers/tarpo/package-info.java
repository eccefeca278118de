/**
 * TARPO's layers for any SameDiff graph: the action-head router ({@link org.tarpo4j.layers.tarpo.ActionHeadRouter})
 * and the hybrid embedding mixer ({@link org.tarpo4j.layers.tarpo.HybridEmbeddingMixer}), HRPO's gate ({@link
 * org.tarpo4j.layers.tarpo.HrpoGateMixer}), COCONUT's latent input ({@link
 * org.tarpo4j.layers.tarpo.LatentInputMixer}) and their JSON-serialisable configs. Example: {@code
 * examples/src/main/java/org/tarpo4j/examples/api/TarpoLayersInYourGraph.java}.
 *
 * <p>Stable API.
 */
package org.tarpo4j.layers.tarpo;
