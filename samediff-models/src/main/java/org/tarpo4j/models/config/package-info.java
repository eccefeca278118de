/**
 * A model's Hugging Face {@code config.json}, read, validated and written.
 *
 * <p>Stable API.
 */
package org.tarpo4j.models.config;
