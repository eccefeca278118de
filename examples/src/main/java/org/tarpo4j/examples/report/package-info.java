/**
 * The HTML report of a run, with plots and the routing view.
 *
 * <p>Internal: may change without notice.
 */
package org.tarpo4j.examples.report;
