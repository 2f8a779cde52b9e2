#!/usr/bin/env bash
# Throughput of `mhc tokenize` (a Spark job on local[N]) next to the raw single-thread throughput of the same
# tokenizer in a plain loop, on >= 200 MB of text made by repeating the shared corpora into 16 files.
# Usage: bench/tokenize.sh [MB] [tokenizer spec ...]   (default: 200 byte tiktoken:cl100k_base)
# Target (data issue): job MB/s >= 0.8 x raw MB/s x cores used. Measure on an idle machine.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MB="${1:-200}"; shift || true
SPECS=("$@"); [[ ${#SPECS[@]} -gt 0 ]] || SPECS=(byte tiktoken:cl100k_base)
CORES="$(nproc)"
SHARED="${MHC_SHARED:-$ROOT/../shared}"
WORK="$ROOT/bench/target/tokenize-bench"
CORPUS="$WORK/corpus-${MB}mb"

(cd "$ROOT" && mvn -B -q -Dstyle.color=never -DskipTests -pl bench,jobs -am package) >&2

if [[ ! -d "$CORPUS" ]]; then
  mkdir -p "$CORPUS.tmp"
  sources=("$SHARED/data/corpora/tinyshakespeare.txt" "$SHARED/data/corpora/wikitext-2/valid.txt"
           "$SHARED/data/corpora/wikitext-2/test.txt")
  per_file=$(( MB * 1000 * 1000 / 16 ))
  for i in $(seq -w 0 15); do
    while [[ $(stat -c %s "$CORPUS.tmp/part-$i.txt" 2>/dev/null || echo 0) -lt $per_file ]]; do
      cat "${sources[@]}" >> "$CORPUS.tmp/part-$i.txt"
    done
  done
  mv "$CORPUS.tmp" "$CORPUS"
fi
echo "corpus: $(du -sm "$CORPUS" | cut -f1) MB in 16 files; $CORES cores; $(date -u +%Y-%m-%d)"

for spec in "${SPECS[@]}"; do
  java -Xmx6g -cp "$ROOT/bench/target/mhc-bench_2.12-0.1.0-SNAPSHOT.jar:$(cat "$ROOT/bench/target/classpath.txt")" \
    dev.mhcspark.bench.TokenizerThroughput "$spec" "$CORPUS"
  out="$WORK/ds-${spec//[:\/]/_}"
  MHC_JAVA_OPTS="-Xmx6g" /usr/bin/time -f "bin/mhc tokenize wall (JVM and Spark start-up included): %e s; peak RSS (driver + local executors): %M KB" \
    "$ROOT/bin/mhc" tokenize --input "$CORPUS" --output "$out" --tokenizer "$spec" --seq-len 1024 \
    --doc-split blank-line --shards 8 --master "local[$CORES]" --overwrite 2>&1 \
    | grep -E "^tokenize: (inspected|tokenized|wrote|done)|peak RSS|corpus:" || true
done
