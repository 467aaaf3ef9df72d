#!/usr/bin/env bash
# OpenBLAS baseline for the matmul shapes of `wren bench kernels`, at 1 and 2 threads.
# Needs gcc and libopenblas-dev (Debian). Usage: bash bench/openblas.sh [min-ms]
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
gcc -O2 -o "$tmp/openblas-bench" openblas.c -lopenblas
node -e "const os=require('os');console.log(JSON.stringify({machine:os.cpus()[0].model,cores:os.cpus().length,platform:os.platform()+'-'+os.arch()}))"
for t in 1 2; do OPENBLAS_NUM_THREADS=$t "$tmp/openblas-bench" "$t" "${1:-400}"; done
