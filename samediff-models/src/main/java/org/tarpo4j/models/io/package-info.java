/**
 * Safetensors files (validated, memory-mapped, sharded), checkpoints and atomic directory writes.
 *
 * <p>Internal: may change without notice, except {@link org.tarpo4j.models.io.SafeTensorsDType} and {@link
 * org.tarpo4j.models.io.CheckpointFormatException}, which are part of the stable API.
 */
package org.tarpo4j.models.io;
