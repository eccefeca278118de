package org.tarpo4j.rl.data;


/** A problem's prompt as token ids: the chat template for instruct models, the raw task text for the embedded one. */
@FunctionalInterface
public interface PromptEncoder {
    /**
     * @param problem a training or evaluation problem
     * @return its prompt's token ids
     */
    int[] encode(Problem problem);
}
