package org.tarpo4j.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --key value} and {@code --key=value} pairs left over by the parser: config overrides. */
final class Overrides {
    private Overrides() {}

    static Map<String, String> parse(List<String> args) {
        Map<String, String> out = new LinkedHashMap<>();
        if (args == null) return out;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) throw new IllegalArgumentException("expected --key value, got '" + a + "'");
            String key = a.substring(2);
            int eq = key.indexOf('=');
            if (eq >= 0) {
                out.put(key.substring(0, eq), key.substring(eq + 1));
            } else {
                if (i + 1 >= args.size()) throw new IllegalArgumentException("--" + key + " needs a value");
                out.put(key, args.get(++i));
            }
        }
        return out;
    }
}
