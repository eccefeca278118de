import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The table of spark-scale-bench.sh: per run (label=RUN_DIR), the means over steps 2.. of its metrics.jsonl (step 1
 * loads the model on every executor): rollout tokens/s, step time, time in broadcast and collect, bytes moved.
 * Run: java -cp "examples/target/lib/*" scripts/SparkBenchSummary.java ROWS_PER_STEP label=dir ...
 */
public class SparkBenchSummary {
    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper();
        System.out.println("| run | rollout tok/s | step s | rollout s | update s | broadcast s | collect s | straggler s | task CPU / wall | broadcast MB | task MB | result MB |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        double rowsPerStep = Double.parseDouble(args[0]);
        for (String a : List.of(args).subList(1, args.length)) {
            String label = a.substring(0, a.indexOf('=')), dir = a.substring(a.indexOf('=') + 1);
            List<String> lines = Files.readAllLines(Path.of(dir, "metrics.jsonl"));
            double tokens = 0, rollout = 0, step = 0, update = 0, bc = 0, col = 0, strag = 0, bb = 0, tb = 0, rb = 0, cpu = 0, busy = 0;
            int n = 0;
            for (String line : lines.subList(1, lines.size())) {
                JsonNode m = json.readTree(line);
                tokens += m.path("completions/mean_length").asDouble() * rowsPerStep;
                rollout += m.path("time/rollout_s").asDouble();
                update += m.path("time/reference_s").asDouble() + m.path("time/update_s").asDouble();
                step += m.path("time/rollout_s").asDouble() + m.path("time/reference_s").asDouble() + m.path("time/update_s").asDouble();
                bc += m.path("time/broadcast_s").asDouble();
                col += m.path("time/collect_s").asDouble();
                strag += m.path("time/straggler_s").asDouble();
                cpu += m.path("time/task_cpu_s").asDouble();
                busy += m.path("time/task_s").asDouble();
                bb += m.path("spark/broadcast_bytes").asDouble();
                tb += m.path("spark/task_bytes").asDouble();
                rb += m.path("spark/result_bytes").asDouble();
                n++;
            }
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.2f | %.2f | %.2f | %.3f | %.3f | %.3f | %s | %.2f | %.2f | %.2f |%n", label,
                    tokens / rollout, step / n, rollout / n, update / n, bc / n, col / n, strag / n,
                    busy == 0 ? "-" : String.format(Locale.ROOT, "%.2f", cpu / busy), bb / n / 1e6, tb / n / 1e6, rb / n / 1e6);
        }
    }
}
