#!/usr/bin/env bash
# Prints training throughput of our residual/HC/mHC layers, ND4J's GEMM peak and libtorch's figure for the
# same residual model, measured in one JVM. Usage: bench/run.sh [--no-libtorch] [--steps N] [--d-model D] ...
# Measure on an idle machine: both ND4J and libtorch use every core.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(cd "$ROOT" && mvn -B -q -Dstyle.color=never -DskipTests -pl bench -am package) >&2
source "$ROOT/bin/native-env.sh"  # as bin/mhc runs the JVM
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$HOME/.djl.ai}"
exec java -Xmx6g --add-modules=jdk.incubator.vector -Dorg.bytedeco.javacpp.maxbytes=8G -Dorg.nd4j.log.initialization=false \
  -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="$OMP_NUM_THREADS" -Dai.djl.pytorch.num_interop_threads=1 \
  -cp "$ROOT/bench/target/mhc-bench_2.12-0.1.0-SNAPSHOT.jar:$(cat "$ROOT/bench/target/classpath.txt")" \
  dev.mhcspark.bench.ModelBenchmark "$@"
