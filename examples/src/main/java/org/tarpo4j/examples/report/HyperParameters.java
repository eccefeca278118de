package org.tarpo4j.examples.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report's hyper-parameter tables, from the runs' trainer configs: the settings every run shares, and, across
 * several runs, those that differ (one column per run). Runs without a config (COCONUT's curriculum) are left out.
 */
record HyperParameters(Map<String, String> shared, List<String> runs, Map<String, List<String>> differing) {
    static HyperParameters of(List<RunData> all) {
        List<RunData> withConfig = all.stream().filter(r -> r.config() != null).toList();
        Map<String, String> shared = new LinkedHashMap<>();
        Map<String, List<String>> differing = new LinkedHashMap<>();
        if (withConfig.isEmpty()) return new HyperParameters(shared, List.of(), differing);
        List<String> keys = new ArrayList<>();
        withConfig.get(0).config().fieldNames().forEachRemaining(keys::add);
        for (RunData r : withConfig) r.config().fieldNames().forEachRemaining(k -> { if (!keys.contains(k)) keys.add(k); });
        for (String k : keys) {
            List<String> values = withConfig.stream().map(r -> text(r.config().get(k))).toList();
            // a run's own directory always differs and says nothing about how it was trained
            if (k.equals("output_dir")) continue;
            if (values.stream().distinct().count() == 1) shared.put(k, values.get(0));
            else differing.put(k, values);
        }
        return new HyperParameters(shared, withConfig.stream().map(RunData::name).toList(), differing);
    }

    private static String text(JsonNode v) {
        return v == null ? "-" : v.isTextual() ? v.asText() : v.toString();
    }
}
