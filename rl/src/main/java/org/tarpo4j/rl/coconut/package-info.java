/**
 * COCONUT's supervised curriculum of continuous thoughts.
 *
 * <p>Internal: may change without notice.
 */
package org.tarpo4j.rl.coconut;
