package org.tarpo4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bench --peer}: our {@link Benchmark} and the PyTorch peer in alternate fresh processes, compared pair by pair. */
public final class PeerPairs {
    private PeerPairs() {}

    /**
     * Ours and the peer, interleaved: {@code pairs} times our measurement in a fresh JVM, then the peer's in a fresh
     * Python process, so that the two models are never resident together and each side's peak resident memory is its
     * own; the reported ratio of each throughput is the median of the paired ratios (drift on a shared machine hits
     * both members of a pair alike).
     *
     * @param ourCommand the command that runs our side once and prints its JSON line last
     * @param peerCommand the peer's command (its BLAS is pinned to {@code threads})
     */
    public static Map<String, Object> run(int pairs, List<String> ourCommand, List<String> peerCommand, String threads)
            throws IOException, InterruptedException {
        List<JsonNode> ours = new ArrayList<>(), theirs = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            System.err.printf("bench pair %d/%d: ours%n", i + 1, pairs);
            ours.add(runJson(ourCommand, Map.of()));
            System.err.printf("bench pair %d/%d: peer%n", i + 1, pairs);
            // torch.set_num_threads does not reach OpenBLAS's own pool: without these the peer's GEMMs use every core
            // while it reports "threads": 1 (measured: 2048² GEMM 205 GFLOP/s on 2 cores vs 103 with 1 thread)
            theirs.add(runJson(peerCommand, Map.of("OMP_NUM_THREADS", threads, "OPENBLAS_NUM_THREADS", threads,
                    "MKL_NUM_THREADS", threads)));
        }
        Map<String, Object> out = new LinkedHashMap<>(fields(ours.get(ours.size() - 1)));
        out.put("pairs", pairs);
        Map<String, Object> peerFields = new LinkedHashMap<>(fields(theirs.get(theirs.size() - 1)));
        peerFields.put("blas_threads", threads);
        out.put("peer", peerFields);
        Map<String, Object> ratio = new LinkedHashMap<>(), runs = new LinkedHashMap<>();
        for (String k : List.of("decode", "train", "prefill")) {
            double[] r = new double[pairs];
            List<List<Double>> both = new ArrayList<>();
            for (int i = 0; i < pairs; i++) {
                double a = ours.get(i).get(k + "_tok_s").asDouble(), b = theirs.get(i).get(k + "_tok_s").asDouble();
                r[i] = a / b;
                both.add(List.of(a, b));
            }
            ratio.put(k, org.tarpo4j.examples.stats.Median.of(r));
            runs.put(k + "_tok_s", both);
        }
        double oursRss = 0, peerRss = 0;
        for (int i = 0; i < pairs; i++) {
            oursRss = Math.max(oursRss, ours.get(i).get("peak_rss_mb").asDouble());
            peerRss = Math.max(peerRss, theirs.get(i).get("peak_rss_mb").asDouble());
        }
        out.put("peak_rss_mb", oursRss);
        peerFields.put("peak_rss_mb", peerRss);
        ratio.put("peak_rss", oursRss / peerRss);
        out.put("ratio", ratio);
        out.put("runs", runs); // [ours, peer] per pair, in the order they ran
        return out;
    }

    private static JsonNode runJson(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        Process p = pb.start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        String line = null;
        for (String l : stdout.split("\n")) if (l.trim().startsWith("{")) line = l.trim();
        if (rc != 0 || line == null) throw new IOException("failed (exit " + rc + "): " + String.join(" ", cmd) + "\n" + stdout);
        return new ObjectMapper().readTree(line);
    }

    private static Map<String, Object> fields(JsonNode json) {
        Map<String, Object> out = new LinkedHashMap<>();
        json.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().isNumber() ? e.getValue().numberValue()
                : e.getValue().isContainerNode() ? e.getValue() : e.getValue().asText()));
        return out;
    }

}
