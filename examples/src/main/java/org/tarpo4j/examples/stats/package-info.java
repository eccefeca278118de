/**
 * The statistics of the comparison study, as pure functions: Student's t quantile, intervals of a mean over seeds and
 * of paired per-seed differences, and a seeded two-stage bootstrap of ratios over seeds and problems.
 *
 * <p>Internal: may change without notice.
 */
package org.tarpo4j.examples.stats;
