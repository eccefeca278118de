package org.tarpo4j.layers;

/**
 * Rotary-frequency scaling as in Hugging Face's {@code rope_scaling}: {@code default} (none), {@code linear}
 * (positions divided by {@code factor}) or {@code llama3} (Llama-3.1's wavelength-dependent smoothing). An unknown
 * type, or a value out of range for the type, is an {@link IllegalArgumentException} naming it.
 *
 * @param type                          {@code default}, {@code linear} or {@code llama3}
 * @param factor                        the scaling factor (linear, llama3)
 * @param lowFreqFactor                 llama3's {@code low_freq_factor}
 * @param highFreqFactor                llama3's {@code high_freq_factor}
 * @param originalMaxPositionEmbeddings llama3's {@code original_max_position_embeddings}
 */
public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                          int originalMaxPositionEmbeddings) {
    /** No scaling ({@code default}). */
    public static final RopeScaling NONE = new RopeScaling("default", 1, 0, 0, 0);

    /**
     * Checks the fields the type uses.
     *
     * @param type                          {@code default}, {@code linear} or {@code llama3}
     * @param factor                        the scaling factor
     * @param lowFreqFactor                 llama3's {@code low_freq_factor}
     * @param highFreqFactor                llama3's {@code high_freq_factor}
     * @param originalMaxPositionEmbeddings llama3's {@code original_max_position_embeddings}
     * @throws IllegalArgumentException for an unknown type or a value out of range, naming it
     */
    public RopeScaling {
        switch (type) {
            case "default" -> { }
            case "linear" -> require(factor > 0, "linear rope_scaling needs factor > 0, got " + factor);
            case "llama3" -> {
                require(factor > 0, "llama3 rope_scaling needs factor > 0, got " + factor);
                require(lowFreqFactor > 0 && highFreqFactor > lowFreqFactor,
                        "llama3 rope_scaling needs 0 < low_freq_factor < high_freq_factor, got " + lowFreqFactor + ", " + highFreqFactor);
                require(originalMaxPositionEmbeddings > 0,
                        "llama3 rope_scaling needs original_max_position_embeddings > 0");
            }
            default -> throw new IllegalArgumentException("unsupported rope_scaling type '" + type
                    + "' (supported: default, linear, llama3)");
        }
    }

    /**
     * Linear scaling.
     *
     * @param factor positions are divided by it; positive
     * @return {@code linear} scaling
     */
    public static RopeScaling linear(double factor) { return new RopeScaling("linear", factor, 0, 0, 0); }

    /**
     * Llama-3.1's scaling.
     *
     * @param factor      {@code factor}
     * @param low         {@code low_freq_factor}
     * @param high        {@code high_freq_factor}
     * @param originalMax {@code original_max_position_embeddings}
     * @return {@code llama3} scaling
     */
    public static RopeScaling llama3(double factor, double low, double high, int originalMax) {
        return new RopeScaling("llama3", factor, low, high, originalMax);
    }

    /**
     * The inverse frequencies of a head of size {@code headDim}, in float32 as Hugging Face computes them.
     *
     * @param headDim the head size (even)
     * @param theta   {@code rope_theta}
     * @return {@code headDim / 2} inverse frequencies, scaled
     */
    public float[] inverseFrequencies(int headDim, double theta) {
        int half = headDim / 2;
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            inv[i] = (float) (1.0 / Math.pow(theta, (2.0 * i) / headDim));
        }
        switch (type) {
            case "linear" -> { for (int i = 0; i < half; i++) inv[i] = (float) (inv[i] / factor); }
            case "llama3" -> {
                double lowWavelen = originalMaxPositionEmbeddings / lowFreqFactor;
                double highWavelen = originalMaxPositionEmbeddings / highFreqFactor;
                for (int i = 0; i < half; i++) {
                    double wavelen = 2 * Math.PI / inv[i];
                    if (wavelen > lowWavelen) {
                        inv[i] = (float) (inv[i] / factor);              // long wavelengths: fully scaled
                    } else if (wavelen >= highWavelen) {                  // medium: interpolate smoothly
                        double smooth = (originalMaxPositionEmbeddings / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                        inv[i] = (float) ((1 - smooth) * inv[i] / factor + smooth * inv[i]);
                    }                                                     // short wavelengths: unchanged
                }
            }
            default -> { }
        }
        return inv;
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}
