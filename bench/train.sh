#!/usr/bin/env bash
# Training throughput of `mhc train` with Spark parameter averaging vs the same model in one process, the mHC vs
# residual step time through the whole job, and the peak RSS of driver and executors.
#   1. one process (--master none): the byte-tokenized corpus, batch 16, 2 BLAS threads;
#   2. Spark local[2], 2 workers x batch 16, averaging every 8 steps (driver and executors share one JVM);
#   3. Spark local-cluster[2,1,1536]: the same job with each executor in a JVM of its own (their RSS sampled).
# Both trainers see the same number of tokens. Usage: bench/train.sh [spark steps] (default 160)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STEPS="${1:-160}"
WORK="$ROOT/bench/target/train-bench"
DATA="$WORK/shakespeare-bytes-t64"
CORPUS="$ROOT/data/corpora/tinyshakespeare.txt"
MODEL=(--d-model 32 --heads 2 --blocks 2 --seq-len 64 --batch 16 --lr 1e-2 --warmup 10)
mkdir -p "$WORK"
export SPARK_LOCAL_IP=127.0.0.1

if [[ ! -f "$DATA/manifest.json" ]]; then
  "$ROOT/bin/mhc" tokenize --input "$CORPUS" --output "$DATA" --tokenizer byte --seq-len 64 --doc-split blank-line \
    --val-fraction 0.1 --shards 2 --master 'local[2]' | tail -1
fi
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%d)"

report() { # run-dir label peak-rss-kb [executor peak]
  python3 - "$@" <<'PY'
import json, sys
s = json.load(open(sys.argv[1] + "/summary.json"))
extra = f", executors' peak RSS {sys.argv[4]}" if len(sys.argv) > 4 else ""
print(f"{sys.argv[2]:>28}: {s['tokens']:,} tokens, {s['tokens_per_second']:,.0f} tok/s, wall {s['wall_seconds']:.1f} s, "
      f"final loss {s['final_loss']:.3f}, val {s['final_val_loss']:.3f}; peak RSS {int(sys.argv[3]) / 1024:,.0f} MB{extra}")
PY
}

timed() { # run-dir command...: runs it, prints nothing, leaves the peak RSS (kB) in $WORK/rss
  local run="$1"; shift
  rm -rf "$run"
  /usr/bin/time -f "%M" -o "$WORK/rss" "$@" --run "$run" > "$run.log" 2>&1
}

for connection in residual mhc; do
  run="$WORK/none-$connection"
  OMP_NUM_THREADS=2 timed "$run" "$ROOT/bin/mhc" train --data "$CORPUS" --master none --connection "$connection" \
    "${MODEL[@]}" --steps $((2 * STEPS)) --eval-every $((2 * STEPS)) --probe-every 32 --val-fraction 0.1
  report "$run" "one process, $connection" "$(cat "$WORK/rss")"

  run="$WORK/local2-$connection"
  timed "$run" "$ROOT/bin/mhc" train --data "$DATA" --master 'local[2]' --workers 2 --averaging-frequency 8 \
    --connection "$connection" "${MODEL[@]}" --steps "$STEPS" --eval-every "$STEPS" --metrics-every 8 \
    --checkpoint-every "$STEPS"
  report "$run" "local[2], $connection" "$(cat "$WORK/rss")"
done

# executors in JVMs of their own: Spark's local-cluster wants SPARK_HOME/jars (empty: they get our classpath)
mkdir -p "$WORK/spark-home/jars"
CLASSPATH_ALL="$ROOT/jobs/target/mhc-jobs_2.12-0.1.0-SNAPSHOT.jar:$(cat "$ROOT/jobs/target/classpath.txt")"
run="$WORK/local-cluster-mhc"
( peak=0; while sleep 1; do
    kb=$(ps -eo rss,args | awk '/[C]oarseGrainedExecutorBackend/ {print $1}' | sort -n | tail -1)
    if [[ -n "$kb" && "$kb" -gt "$peak" ]]; then peak=$kb; echo "$peak" > "$WORK/executor-rss"; fi
  done ) & sampler=$!
echo 0 > "$WORK/executor-rss"
SPARK_HOME="$WORK/spark-home" SPARK_SCALA_VERSION=2.12 timed "$run" "$ROOT/bin/mhc" train --data "$DATA" --master 'local-cluster[2,1,1536]' \
  --workers 2 --averaging-frequency 8 --connection mhc "${MODEL[@]}" --steps "$STEPS" --eval-every "$STEPS" \
  --metrics-every 8 --checkpoint-every "$STEPS" --conf "spark.executor.extraClassPath=$CLASSPATH_ALL" \
  --conf spark.executorEnv.OMP_NUM_THREADS=1
kill "$sampler" 2>/dev/null || true
report "$run" "local-cluster[2,1,1536], mhc" "$(cat "$WORK/rss")" "$(( $(cat "$WORK/executor-rss") / 1024 )) MB (largest)"
