/**
 * Reading run configs and sweep files strictly: one reader for JSON and YAML whose errors name the file and the key.
 *
 * <p>Internal: public for the other modules of tarpo4j, may change without notice.
 */
package org.tarpo4j.rl.config;
