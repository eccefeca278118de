/**
 * The eager decode path on preallocated buffers, proven equal to the graph.
 *
 * <p>Internal: may change without notice.
 */
package org.tarpo4j.models.decoder.fast;
