package org.tarpo4j.hpo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepDefinitionTest {
    @TempDir
    Path tmp;

    private SweepDefinition read(String name, String text) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, text);
        return SweepDefinition.read(f);
    }

    private void rejected(String text, String expected) {
        var e = assertThrows(IllegalArgumentException.class, () -> read("bad.yaml", text));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void readsYamlWithRangesValuesDisabledEntriesAndOverrides() throws Exception {
        SweepDefinition d = read("s.yaml", """
                search: random
                candidates: 4
                grid_points: 5
                search_seed: 3
                overrides: {max_steps: 20, mode: tarpo, lora_targets: [q_proj]}
                parameters:
                  action_bias: {values: [0.85, 2.2, 4.6]}
                  beta: {min: 0.001, max: 0.1, scale: log}
                  soft_top_k: {min: 2, max: 10, enabled: false}
                """);
        assertEquals(SweepDefinition.Search.RANDOM, d.search());
        assertEquals(4, d.candidates());
        assertEquals(5, d.gridPoints());
        assertEquals(SweepDefinition.DEFAULT_METRIC, d.metric());
        assertEquals(List.of(SweepParameter.ACTION_BIAS, SweepParameter.BETA), d.parameters().stream().map(ParameterRange::parameter).toList());
        assertEquals(ParameterRange.between(SweepParameter.BETA, 0.001, 0.1, true), d.range(SweepParameter.BETA).orElseThrow());
        assertEquals("20", d.overrides().get("max_steps"));
        assertEquals("[\"q_proj\"]", d.overrides().get("lora_targets"));
        assertEquals(3 * 5, d.withSearch(SweepDefinition.Search.GRID).withCandidates(100).plan().candidates(), "the grid caps the count");
    }

    @Test
    void readsJson() throws Exception {
        SweepDefinition d = read("s.json", "{\"parameters\": {\"beta\": {\"values\": [0, 0.01]}}}");
        assertEquals(SweepDefinition.Search.GRID, d.search());
        assertEquals(2, d.plan().candidates());
    }

    @Test
    void rejectsMistakesNamingTheKey() {
        rejected("parameters: {beta: {min: 0.1, max: 0.01}}", "beta: min must be below max");
        rejected("parameters: {beta: {min: 0, max: 0.1, scale: log}}", "log scale needs min > 0");
        rejected("parameters: {initial_hard_probability: {values: [0.5, 1.0]}}", "initial_hard_probability must be in");
        rejected("parameters: {soft_top_k: {values: [2.5]}}", "soft_top_k: expected a whole number");
        rejected("parameters: {action_bias: {values: [1]}, initial_hard_probability: {values: [0.9]}}", "both set b0");
        rejected("parameters: {routerBias: {values: [1]}}", "unknown sweep parameter 'routerBias'");
        rejected("parameters: {actionBias: {values: [1]}}", "unknown sweep parameter 'actionBias'"); // one naming scheme
        rejected("gridPoints: 3\nparameters: {beta: {values: [0]}}", "unknown key 'gridPoints'");
        rejected("serach: grid\nparameters: {beta: {values: [0]}}", "unknown key 'serach'");
        rejected("parameters: {beta: {values: [0], enabled: false}}", "none is enabled");
        rejected("search: bayes\nparameters: {beta: {values: [0]}}", "search must be grid or random");
    }
}
