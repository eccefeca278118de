package org.tarpo4j.rl.coconut;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CurriculumTest {
    // prompt [1, 5], steps "a, " "b, " "c", answer " #### 7 <eos>" as ids; bot 30, eot 31
    private static final ReasoningExample E = new ReasoningExample(new int[]{1, 5},
            List.of(new int[]{10, 11}, new int[]{12, 11}, new int[]{13}), new int[]{20, 21, 2});
    private static final Curriculum C = new Curriculum(2, 3, 30, 31);

    @Test
    void stageZeroIsPlainChainOfThoughtBetweenTheMarkers() {
        Curriculum.Staged s = C.stage(E, 0);
        assertEquals(0, s.thoughts());
        assertArrayEquals(new int[]{1, 5, 30}, s.example().prefix());
        assertArrayEquals(new int[]{31, 10, 11, 12, 11, 13, 20, 21, 2}, s.example().suffix());
    }

    @Test
    void stageKReplacesTheFirstKStepsByCTimesKThoughts() {
        Curriculum.Staged s = C.stage(E, 2);
        assertEquals(4, s.thoughts());
        assertArrayEquals(new int[]{31, 13, 20, 21, 2}, s.example().suffix());
        Curriculum.Staged all = C.stage(E, 3);
        assertEquals(6, all.thoughts());
        assertArrayEquals(new int[]{31, 20, 21, 2}, all.example().suffix());
        Curriculum.Staged beyond = C.stage(new ReasoningExample(new int[]{1}, E.steps().subList(0, 2), E.answer()), 3);
        assertEquals(6, beyond.thoughts(), "a two-step solution at stage 3 still gets c·3 thoughts, as at evaluation");
        assertArrayEquals(new int[]{31, 20, 21, 2}, beyond.example().suffix());
        assertEquals(6, C.evaluationThoughts());
    }
}
