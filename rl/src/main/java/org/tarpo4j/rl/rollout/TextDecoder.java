package org.tarpo4j.rl.rollout;

import org.tarpo4j.models.tokenizer.HfTokenizer;

/** Token ids to text: per token (for marker detection, every step) and per completion (for the reward). */
public interface TextDecoder {
    /**
     * One token's text, special tokens included (for marker detection).
     *
     * @param id a token id
     * @return its text
     */
    String token(int id);

    /**
     * A completion's text, special tokens skipped (what the reward sees).
     *
     * @param ids token ids
     * @return the text
     */
    String decode(int[] ids);

    /**
     * A tokenizer's decoding, with each id's text cached after first use; special tokens are skipped in completions.
     *
     * @param tokenizer the model's tokenizer
     * @param vocab     the model's vocabulary size (ids below it are cached)
     * @return the decoder
     */
    static TextDecoder of(HfTokenizer tokenizer, int vocab) {
        String[] cache = new String[vocab];
        return new TextDecoder() {
            @Override
            public String token(int id) {
                String s = cache[id];
                if (s == null) cache[id] = s = tokenizer.decode(new int[]{id}, false);
                return s;
            }

            @Override
            public String decode(int[] ids) { return tokenizer.decode(ids, true); }
        };
    }
}
