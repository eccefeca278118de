/**
 * The method as pure functions: group-relative advantages and the clipped objective.
 *
 * <p>Internal: may change without notice.
 */
package org.tarpo4j.rl.core;
