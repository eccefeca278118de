package org.tarpo4j.hpo;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** Short, exact-enough labels for parameter values and scores. */
final class Numbers {
    private Numbers() {}

    /** To 12 significant digits: a log-uniform grid point is exp(log(x)) and would otherwise read 0.010000000000000004. */
    static double round(double v) {
        return Double.isFinite(v) ? new BigDecimal(v).round(new MathContext(12)).doubleValue() : v;
    }

    /** Four significant digits, no trailing zeros: 2.2, 0.001, 1e-05, 10. */
    static String format(double v) {
        if (Double.isNaN(v)) return "-";
        if (v == Math.rint(v) && Math.abs(v) < 1e6) return Long.toString((long) v);
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e6) return new BigDecimal(String.format(Locale.ROOT, "%.4g", v)).stripTrailingZeros().toPlainString();
        return String.format(Locale.ROOT, "%.3g", v).replaceAll("\\.?0+e", "e");
    }
}
