package org.tarpo4j.rl.sft;

/** A supervised example: the loss covers the completion's tokens (including its end-of-sequence id), not the prompt's. */
public record SftExample(int[] prompt, int[] completion) {
    public SftExample {
        if (prompt.length == 0 || completion.length == 0) throw new IllegalArgumentException("empty prompt or completion");
    }
}
