package org.tarpo4j.rl.reward;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Gsm8kRewardTest {
    private final Gsm8kReward reward = new Gsm8kReward();

    // '|' stands for a newline in the completion
    @ParameterizedTest(name = "[{index}] ''{0}'' vs {1} -> {2}")
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
            "#### 72;                     72;     1",
            "#### 72.0;                   72;     1",
            "#### 072;                    72;     1",
            "#### $72;                    72;     1",
            "#### 72.50;                  72.5;   1",
            "#### 72.5;                   72.50;  1",
            "#### 1,000;                  1000;   1",
            "#### 1,000,000;              1000000;1",
            "#### -5;                     -5;     1",
            "#### -5;                     5;      0",
            "#### 10-5;                   5;      1",
            "#### 0.5;                    .5;     1",
            "#### \u22123;                -3;     1",
            "#### 0;                      -0;     1",
            "#### The answer is 18 dollars.; 18;  1",
            "#### 18|;                    18;     1",
            "#### 3 apples and 4 pears;   3;      0",
            "#### 7;                      77;     0",
            "#### 1e3;                    1000;   0",
            "earlier 72 #### 5;           72;     0",
            "earlier 5 #### 72;           72;     1",
            "####;                        72;     0",
            "#### no number;              72;     0",
            "72;                          72;     0",
            "#### 72 #### 72;             72;     0",
            "##### 72;                    72;     0",
            "#### 72;                     seventy-two; 0",
    })
    void scores(String completion, String gold, int expected) {
        assertEquals(expected, reward.score(completion.replace('|', '\n'), gold.trim()));
    }

    @Test
    void aConfiguredMarkerReplacesTheDefault() {
        Gsm8kReward custom = new Gsm8kReward("The answer is");
        assertEquals(1.0, custom.score("2+2 is 4. The answer is 4", "4"));
        assertEquals(0.0, custom.score("2+2 is 4. #### 4", "4"));
        assertEquals("The answer is", custom.marker());
    }

    @Test
    void canonicalNumbers() {
        assertEquals(Optional.of("1000.5"), NumericAnswer.canonical("1,000.50"));
        assertEquals(Optional.of("0"), NumericAnswer.canonical("-0.00"));
        assertEquals(Optional.of("7"), NumericAnswer.canonical(" +7 "));
        assertEquals(Optional.of("720"), NumericAnswer.canonical("720"));
        assertEquals(Optional.of("0.5"), NumericAnswer.canonical(".5"));
        assertEquals(Optional.empty(), NumericAnswer.canonical("7x"));
        assertEquals(Optional.empty(), NumericAnswer.canonical(""));
    }
}
