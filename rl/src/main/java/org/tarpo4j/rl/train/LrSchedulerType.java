package org.tarpo4j.rl.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.tarpo4j.models.training.LearningRateSchedule;

import java.util.Locale;

/**
 * The learning-rate schedule of a run ({@code lr_scheduler_type}, the Hugging Face names). Every schedule warms up
 * over {@code warmup_ratio} of the steps; {@code constant} and {@code constant_with_warmup} are the same schedule here.
 */
public enum LrSchedulerType {
    COSINE, LINEAR, CONSTANT, CONSTANT_WITH_WARMUP;

    /**
     * By name, as in configs, case-insensitive.
     *
     * @param s cosine, linear, constant or constant_with_warmup
     * @return the type
     * @throws IllegalArgumentException for another name
     */
    @JsonCreator
    public static LrSchedulerType parse(String s) {
        for (LrSchedulerType t : values()) if (t.id().equals(s.trim().toLowerCase(Locale.ROOT))) return t;
        throw new IllegalArgumentException("lr_scheduler_type must be cosine, linear, constant or constant_with_warmup, got '" + s + "'");
    }

    /** @return the lower-case name, as in configs */
    @JsonValue
    public String id() { return name().toLowerCase(Locale.ROOT); }

    /** @return the shape of the factor after warm-up (internal type) */
    public LearningRateSchedule.Kind kind() {
        return switch (this) {
            case COSINE -> LearningRateSchedule.Kind.COSINE;
            case LINEAR -> LearningRateSchedule.Kind.LINEAR;
            case CONSTANT, CONSTANT_WITH_WARMUP -> LearningRateSchedule.Kind.CONSTANT;
        };
    }
}
