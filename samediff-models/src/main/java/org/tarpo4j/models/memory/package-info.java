/**
 * Memory estimates that refuse work ND4J could not allocate, before anything is allocated.
 *
 * <p>Internal: may change without notice, except {@link org.tarpo4j.models.memory.MemoryLimitExceededException},
 * which is part of the stable API.
 */
package org.tarpo4j.models.memory;
