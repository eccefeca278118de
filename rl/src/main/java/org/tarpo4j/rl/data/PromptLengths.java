package org.tarpo4j.rl.data;

import org.tarpo4j.models.generation.ContextWindow;

import java.util.ArrayList;
import java.util.List;

/**
 * Every problem's prompt encoded once, before training or evaluation starts, and checked against the model's
 * context: a run fails at its start, naming the problems, rather than at the step that samples one of them.
 *
 * <p>Internal: public for the other modules of tarpo4j, may change without notice.
 */
public final class PromptLengths {
    /** Problems listed in full in the error before "and N more". */
    private static final int LISTED = 5;

    private PromptLengths() {}

    /**
     * The longest prompt of {@code problems}; fails, listing the problems concerned, if a prompt followed by
     * {@code newTokens} tokens would not fit {@code context}.
     *
     * @param problems  the problems
     * @param encoder   a problem's prompt ids
     * @param newTokens tokens that must fit after each prompt
     * @param context   the model's context
     * @param what      names the problem set in the error, e.g. "training data"
     * @return the longest prompt, in tokens
     * @throws IllegalArgumentException naming the problems whose prompt leaves no room
     */
    public static int requireFit(List<Problem> problems, PromptEncoder encoder, int newTokens, ContextWindow context, String what) {
        int longest = 0;
        List<String> tooLong = new ArrayList<>();
        for (Problem p : problems) {
            int n = encoder.encode(p).length;
            longest = Math.max(longest, n);
            if ((long) n + newTokens > context.positions()) tooLong.add(p.id() + " (" + n + " tokens)");
        }
        if (!tooLong.isEmpty()) {
            String listed = String.join(", ", tooLong.subList(0, Math.min(LISTED, tooLong.size())))
                    + (tooLong.size() > LISTED ? " and " + (tooLong.size() - LISTED) + " more" : "");
            throw new IllegalArgumentException(what + ": " + tooLong.size() + " of " + problems.size() + " prompts leave no room for "
                    + newTokens + " completion tokens in the model's context of " + context.positions() + " positions: " + listed
                    + "; drop them, lower max_completion_length, or use a model with a longer context");
        }
        return longest;
    }
}
