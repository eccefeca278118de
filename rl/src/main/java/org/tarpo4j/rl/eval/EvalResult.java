package org.tarpo4j.rl.eval;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Evaluation of one model on one benchmark (the method's §9). Its JSON keys are snake_case ({@code avg_at_k},
 * {@code pass_at_k}, ...), as in every file the project writes.
 *
 * @param avgAtK          mean accuracy over the k samples, averaged over problems (the paper's "Pass@1")
 * @param avgAtKCi95      95% half-width of avgAtK over problems
 * @param passAtK         unbiased pass@j for j = 1, 2, 4, ... k
 * @param majAtK          majority vote over the k extracted answers is correct
 * @param meanTokens      generated tokens per completion
 * @param meanEffectiveTokens hard (explicit) tokens per completion
 * @param softRatio       share of soft steps
 * @param perProblem      correct-sample counts per problem id
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EvalResult(String benchmark, int problems, int k, double avgAtK, double avgAtKCi95, Map<Integer, Double> passAtK,
                         double majAtK, double meanTokens, double meanEffectiveTokens, double softRatio,
                         Map<String, Integer> perProblem) {
    /** @return a two-line text table: header and this result (percentages) */
    public String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-16s %6s %4s %16s %8s %8s %8s %8s%n", "benchmark", "n", "k", "avg@k (95% CI)",
                "pass@k", "maj@k", "tokens", "soft"));
        b.append(String.format(Locale.ROOT, "%-16s %6d %4d %7.2f ± %-6.2f %8.2f %8.2f %8.1f %8.3f%n", benchmark, problems, k,
                100 * avgAtK, 100 * avgAtKCi95, 100 * passAtK.get(k), 100 * majAtK, meanTokens, softRatio));
        return b.toString();
    }

    static List<Integer> passKs(int k) {
        java.util.ArrayList<Integer> ks = new java.util.ArrayList<>();
        for (int j = 1; j < k; j *= 2) ks.add(j);
        ks.add(k);
        return ks;
    }
}
