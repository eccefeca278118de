package org.tarpo4j.rl.reward;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * MATH correctness: the answer after the marker equals the gold answer after {@link #normalize} (Hendrycks'
 * {@code is_equiv} string normalisation, {@link MathNormalizer}).
 *
 * <p>The answer after the marker is read as, in order of preference ({@link #candidates}):
 * <ol>
 *   <li>the last {@code \boxed{...}} when the text has a box (an unclosed box is no answer);</li>
 *   <li>else the last LaTeX math span ({@code $...$}, {@code \(...\)}, ...);</li>
 *   <li>else, in a prose answer such as {@code "#### The answer is 36."}, its only number
 *       ({@link AnswerExtraction#loneNumber}), and the whole text. A plain answer such as {@code #### \frac{1}{2}} or
 *       {@code #### 8+4i} has no span, and its last number would be wrong: the method's "last number" is narrowed to
 *       a lone number because on real MATH rows {@code #### \frac{17}{6}} otherwise matched the gold answer 6.</li>
 * </ol>
 * A final period is ignored on both sides (some MATH gold answers end with one, e.g. {@code -\frac{5}{3}.}).
 */
public final class MathReward extends MarkedAnswerReward {
    /** The name, and metric key. */
    public static final String NAME = "math";

    /** With the default marker {@code ####}, as a training reward. */
    public MathReward() {
        this(AnswerExtraction.DEFAULT_MARKER);
    }

    /**
     * With another answer marker.
     *
     * @param marker the answer marker
     */
    public MathReward(String marker) {
        this(marker, AnswerRule.SINGLE_MARKER);
    }

    /**
     * With another marker and answer rule.
     *
     * @param marker the answer marker
     * @param rule   which marker the answer follows: the only one (training) or the last (released evaluation)
     */
    public MathReward(String marker, AnswerRule rule) {
        super(marker, rule);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected List<String> answerKeys(String answerText) {
        return candidates(answerText).stream().map(MathReward::normalize).filter(s -> !s.isEmpty()).distinct().toList();
    }

    @Override
    protected Optional<String> goldKey(String goldAnswer) {
        return Optional.of(normalize(goldAnswer)).filter(s -> !s.isEmpty());
    }

    /**
     * {@link MathNormalizer#strip} of the trimmed answer without a final period.
     *
     * @param answer an answer
     * @return its normal form
     */
    public static String normalize(String answer) {
        return MathNormalizer.strip(withoutFinalPeriod(answer.trim()));
    }

    /**
     * The answers read from {@code afterMarker} (see the class comment), unnormalised, preferred first; none is blank.
     *
     * @param afterMarker the text after the marker
     * @return the candidate answers
     */
    public static List<String> candidates(String afterMarker) {
        Stream<String> found;
        if (AnswerExtraction.hasBox(afterMarker)) {
            found = AnswerExtraction.lastBoxed(afterMarker).stream();
        } else {
            Optional<String> span = AnswerExtraction.lastLatexSpan(afterMarker);
            // the lone number first: "The answer is 36." and "36" are the same answer for majority voting
            found = span.isPresent() ? span.stream()
                    : Stream.of(AnswerExtraction.loneNumber(afterMarker), Optional.of(afterMarker.trim()))
                            .flatMap(Optional::stream);
        }
        return found.filter(s -> !s.isBlank()).toList();
    }

    private static String withoutFinalPeriod(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
