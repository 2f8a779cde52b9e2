#!/usr/bin/env bash
# Stages a Docker build context in cluster/target/image-<variant>/ and builds the mhc-spark image.
#   cluster/kubernetes/build-image.sh [--cuda] [--stage-only] [TAG]
# CPU: jars from `mvn -pl cluster -am package`; CUDA: the same built with -Pcuda (nd4j-cuda-11.6 instead of
# nd4j-native). Push the tag and set spark.kubernetes.container.image (cluster/conf/kubernetes/*.conf) to it.
set -euo pipefail
MHC_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VARIANT=cpu; STAGE_ONLY=false; TAG=""
for arg in "$@"; do
  case "$arg" in
    --cuda) VARIANT=cuda ;;
    --stage-only) STAGE_ONLY=true ;;
    -*) echo "build-image.sh: unknown option $arg (expected --cuda, --stage-only)" >&2; exit 2 ;;
    *) TAG="$arg" ;;
  esac
done
TAG="${TAG:-mhc-spark:0.1.0$([[ $VARIANT == cuda ]] && echo -cuda11.6)}"

APP_JARS=("$MHC_HOME"/jobs/target/mhc-jobs_2.12-*.jar)
for f in "${APP_JARS[0]}" "$MHC_HOME/jobs/target/classpath.txt" "$MHC_HOME/cluster/target/classpath.txt"; do
  [[ -f "$f" ]] || { echo "build-image.sh: $f not found; build with: mvn -B -DskipTests -pl cluster -am package" \
      "$([[ $VARIANT == cuda ]] && echo -Pcuda)" >&2; exit 1; }
done
if [[ $VARIANT == cuda ]] && ! grep -q nd4j-cuda "$MHC_HOME/jobs/target/classpath.txt"; then
  echo "build-image.sh: --cuda but the jars carry no nd4j-cuda backend; rebuild with -Pcuda" >&2; exit 1
fi

CONTEXT="$MHC_HOME/cluster/target/image-$VARIANT"
rm -rf "$CONTEXT"; mkdir -p "$CONTEXT/jars" "$CONTEXT/gpu"
cp "${APP_JARS[0]}" "$CONTEXT/jars/"
tr ':' '\n' < "$MHC_HOME/jobs/target/classpath.txt" | xargs -r cp -t "$CONTEXT/jars/"
# the cluster list is the same resolution plus Spark's Kubernetes/YARN clients; its mhc-* entries may be stale copies
tr ':' '\n' < "$MHC_HOME/cluster/target/classpath.txt" | grep -v '/mhc-[^/]*$' | xargs -r cp -n -t "$CONTEXT/jars/"
cp "$MHC_HOME/cluster/gpu/getGpusResources.sh" "$CONTEXT/gpu/"
cp "$MHC_HOME/cluster/kubernetes/entrypoint.sh" "$CONTEXT/"
cp "$MHC_HOME/cluster/kubernetes/Dockerfile$([[ $VARIANT == cuda ]] && echo .cuda)" "$CONTEXT/Dockerfile"
echo "build-image.sh: context $CONTEXT ($(du -sh "$CONTEXT" | cut -f1))"
$STAGE_ONLY && exit 0
docker build -t "$TAG" "$CONTEXT"
