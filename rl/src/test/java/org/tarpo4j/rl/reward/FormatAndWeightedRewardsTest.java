package org.tarpo4j.rl.reward;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FormatAndWeightedRewardsTest {
    private final FormatReward format = new FormatReward();

    @Test
    void formatNeedsOneMarkerAndAnAnswer() {
        assertEquals(1.0, format.score("because #### 5", "7"));
        assertEquals(0.0, format.score("because ####   \n", "7"));
        assertEquals(0.0, format.score("because 5", "7"));
        assertEquals(0.0, format.score("#### 1 #### 2", "2"));
    }

    @Test
    void weightedSumAndPerFunctionScores() {
        WeightedRewards rewards = new WeightedRewards(List.of(
                new WeightedRewards.Term(new Gsm8kReward(), 1.0), new WeightedRewards.Term(format, 0.25)));
        WeightedRewards.Scores right = rewards.scoreAll("so #### 12", "12");
        assertEquals(1.25, right.total(), 1e-12);
        assertEquals(Map.of("gsm8k", 1.0, "format", 1.0), right.byName());
        assertEquals(List.of("gsm8k", "format"), List.copyOf(right.byName().keySet()));
        WeightedRewards.Scores wrong = rewards.scoreAll("so #### 13", "12");
        assertEquals(0.25, wrong.total(), 1e-12);
        assertEquals(0.0, wrong.byName().get("gsm8k"));
        assertEquals(0.25, rewards.score("so #### 13", "12"), 1e-12);
    }

    @Test
    void rejectsDuplicateNamesEmptyListsAndNonFiniteWeights() {
        assertThrows(IllegalArgumentException.class, () -> new WeightedRewards(List.of(
                new WeightedRewards.Term(new Gsm8kReward(), 1), new WeightedRewards.Term(new Gsm8kReward("###"), 1))));
        assertThrows(IllegalArgumentException.class, () -> new WeightedRewards(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new WeightedRewards.Term(format, Double.NaN));
    }
}
