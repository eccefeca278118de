package org.tarpo4j.hpo;

import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;
import org.deeplearning4j.arbiter.optimize.api.score.ScoreFunction;
import org.tarpo4j.rl.train.TarpoConfig;

import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Tells Arbiter's runner that higher scores are better. The scores themselves come from the {@link CandidateScorer}
 * inside each task (training and evaluation are one step here, not a model handed to a score function).
 */
final class MaximiseScore implements ScoreFunction {
    @Override
    public double score(Object model, DataProvider data, Map<String, Object> dataParameters) {
        throw new UnsupportedOperationException("sweep scores come from the CandidateScorer");
    }

    @Override
    public double score(Object model, Class<? extends DataSource> dataSource, Properties properties) {
        throw new UnsupportedOperationException("sweep scores come from the CandidateScorer");
    }

    @Override
    public boolean minimize() { return false; }

    @Override
    public List<Class<?>> getSupportedModelTypes() { return List.of(TarpoConfig.class); }

    @Override
    public List<Class<?>> getSupportedDataTypes() { return List.of(); }
}
