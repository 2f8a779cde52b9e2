#!/usr/bin/env bash
# Spark GPU discovery script (after Spark's examples/src/main/scripts/getGpusResources.sh): prints the GPUs this
# executor may use as a ResourceInformation JSON, e.g. {"name": "gpu", "addresses": ["0"]}.
# YARN (GPU isolation) and the Kubernetes NVIDIA device plugin expose only the container's GPUs, so nvidia-smi
# lists exactly those, and ND4J's device 0 is the first of them.
set -euo pipefail
if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "getGpusResources.sh: nvidia-smi not found: is this a GPU node with the NVIDIA driver?" >&2
  exit 1
fi
ADDRS=$(nvidia-smi --query-gpu=index --format=csv,noheader | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n/","/g')
echo "{\"name\": \"gpu\", \"addresses\": [\"$ADDRS\"]}"
