package org.tarpo4j.rl.policy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code pad_to_multiple_of}: a batch's width rounded up to a multiple, never past the completion cap, padding masked. */
class TrainingBatchPaddingTest {
    @Test
    void theWidthIsRoundedUpToTheMultipleWithinTheCompletionCap() {
        assertEquals(39, TrainingBatch.completionColumns(17, 33, 8, 64));  // width 50 -> 56
        assertEquals(31, TrainingBatch.completionColumns(17, 31, 8, 64));  // width 48 already
        assertEquals(63, TrainingBatch.completionColumns(17, 60, 8, 64));  // width 77 -> 80
        assertEquals(64, TrainingBatch.completionColumns(20, 62, 8, 64));  // 88 would pass the cap: the cap, width 84
        assertEquals(64, TrainingBatch.completionColumns(17, 64, 8, 64));
        assertEquals(33, TrainingBatch.completionColumns(17, 33, 1, 64));  // 1: no padding
        assertEquals(47, TrainingBatch.completionColumns(1, 33, 16, 64));
    }

    @Test
    void theExtraColumnsArePaddingAndMasked() {
        Completion c = new Completion(0, new int[]{7, 8, 9}, new int[]{0, 1, 0}, new int[][]{{7, 3}, {8, 4}, {9, 5}},
                new float[][]{{1, 0}, {0.6f, 0.4f}, {1, 0}}, null, new double[]{-1, -2, -3}, new double[]{0, 0, 0}, true, "x");
        List<int[]> prompt = List.of(new int[]{1, 2});
        TrainingBatch plain = new TrainingBatch(prompt, List.of(c), 0, 2);
        TrainingBatch padded = new TrainingBatch(prompt, List.of(c), 0, 2, 8, 64);
        assertEquals(5, plain.width);
        assertEquals(8, padded.width);
        for (int j = 0; j < padded.width; j++) {
            boolean real = j < plain.width;
            assertEquals(real ? plain.inputIds[0][j] : 0, padded.inputIds[0][j], "input id " + j);
            assertEquals(real ? plain.attentionMask[0][j] : 0, padded.attentionMask[0][j], "attention mask " + j);
            assertEquals(real ? plain.completionMask[0][j] : 0f, padded.completionMask[0][j], "completion mask " + j);
            assertEquals(real ? plain.labels[0][j] : 0, padded.labels[0][j], "label " + j);
            assertEquals(real ? plain.oldTokenLogp[0][j] : 0f, padded.oldTokenLogp[0][j], "old log-prob " + j);
        }
        assertEquals(3, padded.completionTokens());
    }
}
