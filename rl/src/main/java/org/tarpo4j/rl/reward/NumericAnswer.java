package org.tarpo4j.rl.reward;

import java.math.BigDecimal;
import java.util.Optional;

/** The canonical form of a GSM8K-style numeric answer, so that {@code 72.0}, {@code 072} and {@code 72} compare equal. */
public final class NumericAnswer {
    private NumericAnswer() {}

    /**
     * {@code number} without thousands separators, leading zeros or trailing fractional zeros, in plain notation
     * ({@code "1,000.50"} → {@code "1000.5"}, {@code "-0"} → {@code "0"}); empty when it is not a decimal number
     * (after trimming and removing commas).
     *
     * @param number a number as written
     * @return its canonical form, or empty
     */
    public static Optional<String> canonical(String number) {
        String plain = number.trim().replace(",", "").replace('\u2212', '-');
        if (!plain.matches("[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)")) return Optional.empty();
        BigDecimal value = new BigDecimal(plain);
        // BigDecimal keeps the scale of "0.00"; signum() avoids "0.00" and "-0" surviving stripTrailingZeros
        if (value.signum() == 0) return Optional.of("0");
        return Optional.of(value.stripTrailingZeros().toPlainString());
    }
}
