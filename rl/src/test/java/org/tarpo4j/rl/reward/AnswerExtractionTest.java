package org.tarpo4j.rl.reward;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AnswerExtractionTest {
    @Test
    void countsOverlappingMarkers() {
        assertEquals(0, AnswerExtraction.countOccurrences("no marker", "####"));
        assertEquals(1, AnswerExtraction.countOccurrences("a #### b", "####"));
        assertEquals(2, AnswerExtraction.countOccurrences("a ##### b", "####"));
        assertEquals(2, AnswerExtraction.countOccurrences("#### 1 #### 2", "####"));
    }

    @Test
    void afterSingleMarkerNeedsExactlyOne() {
        assertEquals(Optional.of(" 5"), AnswerExtraction.afterSingleMarker("x #### 5", "####"));
        assertEquals(Optional.empty(), AnswerExtraction.afterSingleMarker("x 5", "####"));
        assertEquals(Optional.empty(), AnswerExtraction.afterSingleMarker("#### 4 #### 5", "####"));
        assertThrows(IllegalArgumentException.class, () -> AnswerExtraction.afterSingleMarker("x", ""));
    }

    @Test
    void lastNumberTreatsMinusAfterADigitAsSubtraction() {
        assertEquals(Optional.of("5"), AnswerExtraction.lastNumber("10-5"));
        assertEquals(Optional.of("-5"), AnswerExtraction.lastNumber("it is -5"));
        assertEquals(Optional.of("1,234.5"), AnswerExtraction.lastNumber("pay $1,234.5 now"));
        assertEquals(Optional.of(".5"), AnswerExtraction.lastNumber("about .5"));
        assertEquals(Optional.of("72"), AnswerExtraction.lastNumber("it is 72, so"));
        assertEquals(Optional.of("2"), AnswerExtraction.lastNumber("1, 2"));
        assertEquals(Optional.of("-3"), AnswerExtraction.lastNumber("(\u22123)"));
        assertEquals(Optional.empty(), AnswerExtraction.lastNumber("none here"));
    }

    @Test
    void loneNumberOnlyInProse() {
        assertEquals(Optional.of("36"), AnswerExtraction.loneNumber("The answer is 36."));
        assertEquals(Optional.of("$1,500"), AnswerExtraction.loneNumber("$1,500").map(s -> "$" + s));
        assertEquals(Optional.empty(), AnswerExtraction.loneNumber("\\frac{17}{6}"));
        assertEquals(Optional.empty(), AnswerExtraction.loneNumber("x^2"));
        assertEquals(Optional.empty(), AnswerExtraction.loneNumber("36 or 37"));
        assertEquals(Optional.empty(), AnswerExtraction.loneNumber("none"));
    }

    @Test
    void lastBoxedBalancesBraces() {
        assertEquals(Optional.of("\\frac{1}{2}"), AnswerExtraction.lastBoxed("so $\\boxed{\\frac{1}{2}}$."));
        assertEquals(Optional.of("4"), AnswerExtraction.lastBoxed("\\boxed{3} then \\boxed{4}"));
        assertEquals(Optional.of("7"), AnswerExtraction.lastBoxed("\\fbox{7}"));
        assertEquals(Optional.of("7"), AnswerExtraction.lastBoxed("$\\boxed 7$."));
        assertEquals(Optional.empty(), AnswerExtraction.lastBoxed("\\boxed{3"));
        assertEquals(Optional.empty(), AnswerExtraction.lastBoxed("no box"));
    }

    @Test
    void latexSpansSkipEscapedDollars() {
        assertEquals(List.of("x", "y+1", "z"), AnswerExtraction.latexSpans("$x$ and $$y+1$$ and \\(z\\)"));
        assertEquals(List.of("a"), AnswerExtraction.latexSpans("costs \\$5, so $a$"));
        assertEquals(List.of("\\$ 5"), AnswerExtraction.latexSpans("$\\$ 5$"));
        assertEquals(Optional.of("w"), AnswerExtraction.lastLatexSpan("\\[v\\] \\[w\\] $unclosed"));
        assertEquals(Optional.empty(), AnswerExtraction.lastLatexSpan("no math"));
    }
}
