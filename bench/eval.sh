#!/usr/bin/env bash
# Generation throughput of `mhc eval` (tokens generated per second) on Spark local[N] vs one process
# (--master none), on the same model and prompts. The model: the README's default size (d_model 128, 4 blocks,
# 4 heads, mHC n = 4, context 128, byte tokens), trained for 2 steps only: speed does not depend on the weights,
# and an untrained model rarely emits the stop sequence, so almost every prompt runs the whole budget.
# Usage: bench/eval.sh [examples per task] [max new tokens]   (default 16 32; tasks navigate and web_of_lies)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PER_TASK="${1:-16}"
BUDGET="${2:-32}"
CORES="$(nproc)"
BBH="${MHC_SHARED:-$ROOT/../shared}/data/bbh"
WORK="$ROOT/bench/target/eval-bench"
RUN="$WORK/run-mhc-d128"
mkdir -p "$WORK"

if [[ ! -f "$RUN/summary.json" ]]; then
  rm -rf "$RUN"
  "$ROOT/bin/mhc" train --data "$ROOT/data/corpora/tinyshakespeare.txt" --run "$RUN" --connection mhc \
    --d-model 128 --heads 4 --blocks 4 --seq-len 128 --batch 4 --steps 2 --warmup 1 --eval-every 2 \
    --probe-every 2 --log-every 2 | tail -1
fi
echo "machine: $CORES cores, load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%d)"

# one process with every core for its BLAS calls, one process single-threaded, and Spark with one task per core,
# each single-threaded (OpenMP threads oversubscribe the cores otherwise)
for config in "none $CORES" "none 1" "local[$CORES] 1"; do
  read -r master threads <<< "$config"
  out="$WORK/eval-${master//[\[\]]/_}-omp$threads-$(date +%s)"
  OMP_NUM_THREADS="$threads" "$ROOT/bin/mhc" eval --model "$RUN" --suite bbh --data "$BBH" \
    --tasks navigate,web_of_lies --limit "$PER_TASK" --mode direct --max-new-tokens "$BUDGET" --batch 8 \
    --master "$master" --out "$out" | grep -E "^done:"
  python3 - "$out/summary.json" "$master" "$threads" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"{sys.argv[2]:>10} (OMP_NUM_THREADS={sys.argv[3]}): {s['generated_tokens']} tokens in "
      f"{s['generation_seconds']:.1f} s = {s['tokens_per_second']:.1f} tok/s; wall {s['wall_seconds']:.1f} s; "
      f"stopped by {s['stopped_by']}")
PY
done
