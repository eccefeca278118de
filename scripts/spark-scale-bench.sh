#!/usr/bin/env bash
# Training on Spark, measured on this machine (README "Scale-out"): a d=256, 4-layer Qwen2-shaped model with random
# weights on the embedded arithmetic task (vocabulary 30), 8 prompts x 8 samples x 64 tokens a step, 4 steps, LoRA
# and full fine-tuning; on one machine, local[1], local[2], and a standalone cluster (a master and 1 or 2 one-core
# workers on 127.0.0.1, started from examples/target/lib). Prints a table of means over steps 2-4.
# Usage: scripts/spark-scale-bench.sh [WORK_DIR]   (after ./tarpo has built the jar; about 6 minutes on 2 cores)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-/tmp/tarpo-spark-bench}"
rm -rf "$work" && mkdir -p "$work"
cp_all="$root/examples/target/tarpo.jar:$root/examples/target/lib/*"
opens=""
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
         java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  opens="$opens --add-opens=java.base/$p=ALL-UNNAMED"
done
export OMP_NUM_THREADS=1 SPARK_LOCAL_IP=127.0.0.1

# the model: the embedded task's tokenizer and a d256 shape, random weights
"$root/tarpo" train --preset tiny --runs "$work/runs" --mode grpo --seed 0 >/dev/null 2>&1 || true  # writes the tokenizer
cat > "$work/d256.json" <<JSON
{"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 256, "intermediate_size": 768,
 "num_hidden_layers": 4, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 64, "vocab_size": 30,
 "max_position_embeddings": 128, "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "hidden_act": "silu",
 "tie_word_embeddings": true, "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 0, "torch_dtype": "float32"}
JSON
"$root/tarpo" init --config "$work/d256.json" --out "$work/d256" --dtype f32 --tokenizer "$work/runs/embedded/tokenizer-v30" >/dev/null

for lora in true false; do
  cat > "$work/lora-$lora.yaml" <<YAML
model_path: $work/d256
data_format: arith
mode: tarpo
prompts_per_step: 8
num_generations: 8
max_completion_length: 64
max_steps: 4
use_lora: $lora
lora_rank: 16
lora_alpha: 32
beta: 0.005
learning_rate: 1.0e-4
save_steps: 0
log_completions_steps: 0
banned_token_ids: [0, 1, 28, 29]
YAML
done

run() {  # run LABEL CONFIG [MASTER] [JAVA_OPTS...]
  local label=$1 config=$2 master=${3:-}
  local args=(train --config "$config" --preset tiny --runs "$work/runs-$label")
  [[ -n "$master" ]] && args+=(--spark-master "$master")
  TARPO_JAVA_OPTS="-Xmx2g -Dspark.ui.enabled=false ${4:-}" "$root/tarpo" "${args[@]}" > "$work/$label.out" 2> "$work/$label.err"
  echo "$label=$(ls -d "$work/runs-$label"/*-tarpo)"
}

standalone() {  # standalone WORKERS: a master and WORKERS one-core workers; prints the master URL
  local n=$1 port=$((27000 + RANDOM % 1000))
  mkdir -p "$work/spark-home/jars"
  ln -sf "$root"/examples/target/lib/*.jar "$root/examples/target/tarpo.jar" "$work/spark-home/jars/"
  export SPARK_HOME="$work/spark-home" SPARK_SCALA_VERSION=2.13
  java $opens -Xmx512m -cp "$cp_all" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port $port --webui-port 0 \
    > "$work/master-$n.log" 2>&1 & echo $! > "$work/pids"
  sleep 5
  for i in $(seq 1 "$n"); do
    java $opens -Xmx512m -cp "$cp_all" org.apache.spark.deploy.worker.Worker spark://127.0.0.1:$port --host 127.0.0.1 \
      --cores 1 --memory 3g --webui-port 0 --work-dir "$work/work-$n-$i" > "$work/worker-$n-$i.log" 2>&1 & echo $! >> "$work/pids"
  done
  sleep 8
  echo "spark://127.0.0.1:$port"
}

stop() { while read -r pid; do pkill -P "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; done < "$work/pids"; sleep 3; }

rows=()
for lora in true false; do
  name=$([[ $lora == true ]] && echo lora || echo full)
  rows+=("$(run "$name-here" "$work/lora-$lora.yaml")")
  rows+=("$(run "$name-local1" "$work/lora-$lora.yaml" 'local[1]')")
  rows+=("$(run "$name-local2" "$work/lora-$lora.yaml" 'local[2]')")
  for n in 1 2; do
    url=$(standalone $n)
    # one partition per executor core (Spark's default parallelism is at least 2)
    rows+=("$(run "$name-standalone$n" "$work/lora-$lora.yaml" "$url" "-Dspark.executor.memory=2g -Dspark.default.parallelism=$n")")
    stop
  done
done
java -cp "$root/examples/target/lib/*" "$root/scripts/SparkBenchSummary.java" 64 "${rows[@]}"
