/**
 * Training pieces shared by SFT and RL: token log-probabilities, the language-model loss, AdamW, clipping and
 * schedules.
 *
 * <p>Internal: may change without notice.
 */
package org.tarpo4j.models.training;
