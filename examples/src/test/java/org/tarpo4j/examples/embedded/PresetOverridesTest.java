package org.tarpo4j.examples.embedded;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PresetOverridesTest {
    @Test
    void noKnobsLeaveThePresetAsItIs() {
        assertEquals(EmbeddedPreset.DEFAULT, PresetOverrides.NONE.applyTo(EmbeddedPreset.DEFAULT));
        assertEquals(EmbeddedPreset.TINY, PresetOverrides.NONE.applyTo(EmbeddedPreset.TINY));
        assertEquals(128, EmbeddedTask.contextLength(EmbeddedPreset.DEFAULT));
        // the same values given explicitly are no change either: the cached warm start is reused
        assertEquals(EmbeddedPreset.DEFAULT, new PresetOverrides(2, 3, 9, 64, 2, 2.2, 10, 150, 1000).applyTo(EmbeddedPreset.DEFAULT));
    }

    @Test
    void moreOperationsAndAWiderModel() {
        EmbeddedPreset p = new PresetOverrides(4, 5, null, 128, null, null, null, null, null).applyTo(EmbeddedPreset.DEFAULT);
        assertEquals("default-ops4-5-d128", p.name());
        assertEquals(4, p.task().minOps());
        assertEquals(5, p.task().maxOps());
        assertEquals(128, p.hidden());
        assertEquals(384, p.intermediate(), "the preset's MLP ratio, 192/64");
        assertEquals(4, p.heads());
        // "9*9=81, 81*9=729, 729*9=6561, 6561*9=59049, 59049*9=531441 #### 531441" is 70 characters, 71 with EOS,
        // against the default's "9*9=81, 81*9=729, 729*9=6561 #### 6561", 39 with EOS: 64 × 71/39 = 116.5 → 117
        assertEquals(117, p.maxCompletionLength());
        assertEquals(138, EmbeddedTask.contextLength(p), "BOS + 'Compute 9*9*9*9*9*9.' (20) + 117");
        EmbeddedPreset wide = new PresetOverrides(null, 6, 19, null, 3, null, null, null, 300).applyTo(EmbeddedPreset.DEFAULT);
        assertEquals("default-ops2-6-operand19-l3-sft300", wide.name());
        assertTrue(EmbeddedTask.contextLength(wide) > 128, "a longer chain gets a longer context");
    }

    @Test
    void routerKnobsShareTheWarmStart() {
        EmbeddedPreset p = new PresetOverrides(null, null, null, null, null, 4.6, 3, 5, null).applyTo(EmbeddedPreset.DEFAULT);
        assertEquals("default", p.name(), "the warm start does not depend on RL settings");
        assertEquals(4.6, p.actionBias());
        assertEquals(3, p.softTopK());
        assertEquals(5, p.rlSteps());
        assertEquals(5, p.warmupSteps(), "warm-up never longer than the run");
    }

    @Test
    void completionBudgetByHand() {
        assertEquals(64, PresetOverrides.completionBudget(64, 39, 39));
        assertEquals(48, PresetOverrides.completionBudget(48, 39, 30), "a shorter task keeps the preset's budget");
        assertEquals(89, PresetOverrides.completionBudget(64, 39, 54)); // 4 operations of 9: 64 × 54/39 = 88.6
        assertEquals(78, PresetOverrides.completionBudget(39, 39, 78));
    }

    @Test
    void badKnobsNameTheirOption() {
        assertMessage("hidden_size", new PresetOverrides(null, null, null, 30, null, null, null, null, null));
        assertMessage("operations", new PresetOverrides(3, 2, null, null, null, null, null, null, null));
        assertMessage("soft_top_k", new PresetOverrides(null, null, null, null, null, null, 0, null, null));
        assertMessage("num_hidden_layers", new PresetOverrides(null, null, null, null, 0, null, null, null, null));
        assertMessage("max_operand", new PresetOverrides(null, null, 0, null, null, null, null, null, null));
    }

    private static void assertMessage(String word, PresetOverrides o) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> o.applyTo(EmbeddedPreset.DEFAULT));
        assertTrue(e.getMessage().contains(word), e.getMessage());
    }
}
