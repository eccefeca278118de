package org.tarpo4j.models.decoder;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * What a forward over new positions returns; rows in (batch, time) order.
 *
 * @param logits {@code [B·T, vocab]}
 * @param hidden {@code [B·T, hidden]}, after the final norm
 * @param extra  further requested outputs by name (e.g. the router's logits)
 */
public record StepOutput(INDArray logits, INDArray hidden, Map<String, INDArray> extra) {}
