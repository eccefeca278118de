/**
 * LoRA adapters in PEFT format.
 *
 * <p>Internal: may change without notice.
 */
package org.tarpo4j.models.lora;
