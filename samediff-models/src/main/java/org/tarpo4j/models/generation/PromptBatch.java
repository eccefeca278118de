package org.tarpo4j.models.generation;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.models.decoder.StepInput;

import java.util.List;

/**
 * Prompts of different lengths, left-padded to one length so that every row's next token lands in the same column.
 * Positions count real tokens only ({@code cumsum(mask) - 1}, padding at 0), as the attention mask expects.
 *
 * <p>Internal: public for the other modules of tarpo4j, may change without notice.
 */
public final class PromptBatch {
    private final int[][] ids, mask, positions;
    private final int[] lengths;

    public PromptBatch(List<int[]> prompts, int padId) {
        if (prompts.isEmpty()) throw new IllegalArgumentException("no prompts");
        int width = 0;
        for (int[] p : prompts) {
            if (p.length == 0) throw new IllegalArgumentException("empty prompt (row " + prompts.indexOf(p) + ")");
            width = Math.max(width, p.length);
        }
        int b = prompts.size();
        ids = new int[b][width];
        mask = new int[b][width];
        positions = new int[b][width];
        lengths = new int[b];
        for (int r = 0; r < b; r++) {
            int[] p = prompts.get(r);
            int pad = width - p.length;
            lengths[r] = p.length;
            for (int c = 0; c < width; c++) {
                boolean real = c >= pad;
                ids[r][c] = real ? p[c - pad] : padId;
                mask[r][c] = real ? 1 : 0;
                positions[r][c] = real ? c - pad : 0;
            }
        }
    }

    /** Fails naming the first prompt token outside {@code [0, vocab)}, which the embedding lookup cannot take. */
    public static void requireValidIds(List<int[]> prompts, int vocab, String what) {
        for (int r = 0; r < prompts.size(); r++) {
            for (int id : prompts.get(r)) {
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException(what + ": prompt " + r + " has token id " + id
                            + ", outside the vocabulary [0, " + vocab + ")");
                }
            }
        }
    }

    public int rows() { return ids.length; }

    public int width() { return ids[0].length; }

    /** Real tokens in row r. */
    public int length(int r) { return lengths[r]; }

    public StepInput toStepInput() {
        return new StepInput(Nd4j.createFromArray(ids), Nd4j.createFromArray(positions), Nd4j.createFromArray(mask));
    }

    /** INT32 {@code [B, width]} masks, ids and positions, for callers that build their own inputs. */
    public INDArray idsArray() { return Nd4j.createFromArray(ids).castTo(DataType.INT32); }

    public int[][] ids() { return ids; }

    public int[][] mask() { return mask; }

    public int[][] positions() { return positions; }
}
