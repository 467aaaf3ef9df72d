#!/usr/bin/env bash
# OpenBLAS baseline for the matmul shapes of `wren bench kernels`, at 1 and 2 threads, timed
# alternately with Wren's native matmul in the same process.
# Needs gcc and libopenblas-dev (Debian). Usage: bash bench/openblas.sh [min-ms]
set -euo pipefail
# OpenBLAS threads busy-wait after each call; the shortest timeout keeps them off the cores while
# the Wren kernel runs (Wren's own threads spin ~0.3 ms at most).
cd "$(dirname "$0")"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
flags=$(node ../src/kernels/native/cpu-flags.cjs)
isa=$(node -e "const {resolveIsa}=require('../src/kernels/native/isa.cjs');process.stdout.write(resolveIsa(process.env.WREN_NATIVE_ISA))")
# Compare like with like: against Wren's AVX2 build, OpenBLAS's AVX2 (Haswell) kernels, not the
# AVX-512 ones a DYNAMIC_ARCH OpenBLAS picks on an AVX-512 CPU. OPENBLAS_CORETYPE set by the
# caller wins.
if [ "$isa" = avx2 ] && [ -z "${OPENBLAS_CORETYPE:-}" ]; then export OPENBLAS_CORETYPE=Haswell; fi
gcc -O3 -std=c11 -fno-math-errno -pthread $flags -o "$tmp/openblas-bench" openblas.c ../src/kernels/matmul.c ../src/kernels/native/pool.c -lopenblas
node -e "const os=require('os');console.log(JSON.stringify({machine:os.cpus()[0].model,cores:os.cpus().length,platform:os.platform()+'-'+os.arch(),wren_isa:process.argv[1]}))" "$isa"
for t in 1 2; do OPENBLAS_THREAD_TIMEOUT=4 OPENBLAS_NUM_THREADS=$t "$tmp/openblas-bench" "$t" "${1:-400}"; done
