package org.tarpo4j.rl.reward;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * MATH correctness: the answer after the marker equals the gold answer after {@link MathNormalizer#strip}.
 *
 * <p>The answer after the marker is, in order of preference ({@link #candidates}):
 * <ol>
 *   <li>the last {@code \boxed{...}} when the text has a box (an unclosed box is no answer);</li>
 *   <li>else the last LaTeX math span ({@code $...$}, {@code \(...\)}, ...);</li>
 *   <li>else either the whole text or, in a prose answer such as {@code "#### The answer is 36."}, its only number
 *       ({@link AnswerExtraction#loneNumber}). A plain answer such as {@code #### \frac{1}{2}} or
 *       {@code #### 8+4i} has no span, and its last number would be wrong: the method's "last number" is narrowed to
 *       a lone number because on real MATH rows {@code #### \frac{17}{6}} otherwise matched the gold answer 6.</li>
 * </ol>
 * A final period is ignored on both sides (some MATH gold answers end with one, e.g. {@code -\frac{5}{3}.}).
 */
public final class MathReward extends MarkedAnswerReward {
    /** The name, and metric key. */
    public static final String NAME = "math";

    /** With the default marker {@code ####}. */
    public MathReward() {
        this(AnswerExtraction.DEFAULT_MARKER);
    }

    /**
     * With another answer marker.
     *
     * @param marker the answer marker
     */
    public MathReward(String marker) {
        super(marker);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected boolean matches(String afterMarker, String goldAnswer) {
        String gold = normalize(goldAnswer);
        if (gold.isEmpty()) return false;
        return candidates(afterMarker).stream().anyMatch(c -> normalize(c).equals(gold));
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
     * The answers read from {@code afterMarker} (see the class comment), unnormalised; none is blank.
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
            found = span.isPresent() ? span.stream()
                    : Stream.of(Optional.of(afterMarker.trim()), AnswerExtraction.loneNumber(afterMarker))
                            .flatMap(Optional::stream);
        }
        return found.filter(s -> !s.isBlank()).toList();
    }

    private static String withoutFinalPeriod(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
