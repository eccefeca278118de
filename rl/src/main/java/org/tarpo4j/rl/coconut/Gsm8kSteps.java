package org.tarpo4j.rl.coconut;

import org.tarpo4j.models.tokenizer.HfTokenizer;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.data.PromptEncoder;

import java.util.ArrayList;
import java.util.List;

/**
 * GSM8K-format solutions as reasoning steps: one step per line before the {@code ####} line, calculator annotations
 * ({@code <<48/2=24>>}) removed, as COCONUT prepares GSM8K.
 */
public final class Gsm8kSteps {
    private Gsm8kSteps() {}

    public static ReasoningExample example(Problem p, PromptEncoder prompts, HfTokenizer tok, int eosId) {
        if (p.reference() == null) throw new IllegalArgumentException("problem " + p.id() + " has no worked solution");
        String solution = p.reference().replaceAll("<<[^>]*>>", "");
        int marker = solution.lastIndexOf("####");
        if (marker < 0) throw new IllegalArgumentException("problem " + p.id() + ": solution has no '####' line");
        List<int[]> steps = new ArrayList<>();
        for (String line : solution.substring(0, marker).split("\n")) {
            if (!line.isBlank()) steps.add(tok.encode(line.strip() + "\n", false));
        }
        int[] answer = tok.encode(solution.substring(marker).strip(), false);
        int[] withEos = java.util.Arrays.copyOf(answer, answer.length + 1);
        withEos[answer.length] = eosId;
        return new ReasoningExample(prompts.encode(p), steps, withEos);
    }
}
