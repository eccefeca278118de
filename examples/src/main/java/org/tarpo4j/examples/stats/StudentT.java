package org.tarpo4j.examples.stats;

/**
 * Student's t distribution with an integer number of degrees of freedom (what an interval over n seeds needs: n - 1),
 * from the finite series of Abramowitz and Stegun 26.7.3-4 for {@code A(t|ν) = P(|T| ≤ t)}, inverted by bisection.
 */
public final class StudentT {
    private StudentT() {}

    /**
     * {@code A(t|ν) = P(-t ≤ T ≤ t)} with {@code θ = atan(t/√ν)}: for even ν, {@code sin θ · Σ} over
     * {@code 1, ½cos²θ, (1·3)/(2·4)cos⁴θ, ...} up to {@code cos^(ν-2)θ}; for odd ν, {@code (2/π)(θ + sin θ · Σ)} over
     * {@code cos θ, (2/3)cos³θ, ...} up to {@code cos^(ν-2)θ} (no sum for ν = 1).
     *
     * @param t  a non-negative value
     * @param df degrees of freedom, at least 1
     * @return the two-sided probability mass within ±t
     */
    public static double twoSidedMass(double t, int df) {
        if (df < 1) throw new IllegalArgumentException("degrees of freedom must be at least 1, got " + df);
        if (t < 0) throw new IllegalArgumentException("t must be non-negative, got " + t);
        if (Double.isInfinite(t)) return 1.0;
        double theta = Math.atan(t / Math.sqrt(df)), sin = Math.sin(theta), cos2 = Math.cos(theta) * Math.cos(theta);
        if (df % 2 == 0) {
            double term = 1, sum = 1;
            for (int k = 2; k <= df - 2; k += 2) {
                term *= (k - 1.0) / k * cos2;
                sum += term;
            }
            return sin * sum;
        }
        double sum = 0;
        if (df > 1) {
            double term = Math.cos(theta);
            sum = term;
            for (int k = 3; k <= df - 2; k += 2) {
                term *= (k - 1.0) / k * cos2;
                sum += term;
            }
        }
        return 2 / Math.PI * (theta + sin * sum);
    }

    /**
     * The two-sided critical value: the t with {@code P(|T| ≤ t) = confidence}, e.g. 12.706 for ν = 1 and 2.776 for
     * ν = 4 at 0.95.
     *
     * @param confidence in (0, 1)
     * @param df         degrees of freedom, at least 1
     * @return the critical value, to about 1e-12 relative
     */
    public static double critical(double confidence, int df) {
        if (!(confidence > 0 && confidence < 1)) throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
        double lo = 0, hi = 1;
        while (twoSidedMass(hi, df) < confidence) hi *= 2;
        for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
            double mid = 0.5 * (lo + hi);
            if (twoSidedMass(mid, df) < confidence) lo = mid;
            else hi = mid;
        }
        return 0.5 * (lo + hi);
    }
}
