package org.tarpo4j.rl.coconut;

import java.util.List;

/**
 * A worked solution split into reasoning steps, as token ids: the completion is {@code steps[0] ... steps[n-1] answer}
 * (each step with its separator, the answer with the end-of-sequence id).
 */
public record ReasoningExample(int[] prompt, List<int[]> steps, int[] answer) {
    public ReasoningExample {
        steps = List.copyOf(steps);
        if (prompt.length == 0 || answer.length == 0) throw new IllegalArgumentException("empty prompt or answer");
    }
}
