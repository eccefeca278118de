#!/usr/bin/env bash
# Issue 17, "where routing helps": one setting of the study per call. GRPO, HRPO and TARPO with the same rollout
# budget, SEEDS seeds (default 5), each seed from its own warm start shared by the three methods (WARM_START=shared:
# every seed from one warm start), then the report (paired differences, routing with bootstrap intervals). Extra arguments go to `tarpo compare` (e.g. --max_steps).
#   scripts/where-routing-helps.sh ops2-3-d64 | ops4-5-d64 | ops4-5-d128
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
setting="${1:?usage: scripts/where-routing-helps.sh ops2-3-d64|ops4-5-d64|ops4-5-d128 [compare options]}"
shift
case "$setting" in
  ops2-3-d64) knobs=(--operations 2-3 --hidden_size 64) ;;
  ops4-5-d64) knobs=(--operations 4-5 --hidden_size 64) ;;
  ops4-5-d128) knobs=(--operations 4-5 --hidden_size 128) ;;
  *) echo "unknown setting '$setting': ops2-3-d64, ops4-5-d64 or ops4-5-d128" >&2; exit 2 ;;
esac
runs="${STUDY_RUNS:-runs/study}/$setting"
"$root/tarpo" compare --runs "$runs" --seeds "${SEEDS:-5}" --warm_start "${WARM_START:-per_seed}" --methods grpo,hrpo,tarpo "${knobs[@]}" "$@"
"$root/tarpo" report "$(ls -td "$runs"/*-compare | head -1)"
