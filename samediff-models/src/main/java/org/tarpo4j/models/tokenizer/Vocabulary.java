package org.tarpo4j.models.tokenizer;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Token string to id and back, from a tokenizer.json's model vocabulary plus its added tokens. */
final class Vocabulary {
    private final Map<String, Integer> ids;
    private final String[] tokens;
    private final int size;

    private Vocabulary(Map<String, Integer> ids, String[] tokens, int size) {
        this.ids = ids;
        this.tokens = tokens;
        this.size = size;
    }

    /** The model's vocabulary overlaid with the added tokens, which win for the same id or the same string. */
    static Vocabulary of(Map<Integer, String> model, Map<Integer, String> added) {
        Map<Integer, String> byId = new HashMap<>(model);
        byId.putAll(added);
        int maxId = byId.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
        String[] tokens = new String[maxId + 1];
        Map<String, Integer> ids = new HashMap<>(byId.size() * 2);
        byId.forEach((id, token) -> {
            tokens[id] = token;
            ids.put(token, id);
        });
        added.forEach((id, token) -> ids.put(token, id)); // as the Rust library looks added tokens up first
        return new Vocabulary(ids, tokens, byId.size());
    }

    OptionalInt id(String token) {
        Integer id = ids.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    Optional<String> token(int id) {
        return id < 0 || id >= tokens.length ? Optional.empty() : Optional.ofNullable(tokens[id]);
    }

    /** Number of distinct ids (HF's {@code len(tokenizer)}: model vocabulary and added tokens together). */
    int size() {
        return size;
    }
}
