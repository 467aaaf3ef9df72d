#!/usr/bin/env bash
# Builds the WebAssembly kernels from src/kernels/*.c:
#   wasm/kernels.wasm          SIMD128
#   wasm/kernels-relaxed.wasm  SIMD128 + relaxed SIMD (fused multiply-add), chosen at run time
# Both are checked in, so installing Wren needs no compiler; this script rebuilds them
# byte-for-byte (no paths, timestamps or debug info end up in the output).
# Needs clang-16 and wasm-ld-16 (Debian: apt-get install -y clang-16 lld-16).
set -euo pipefail
cd "$(dirname "$0")"
OUT=${WREN_WASM_OUT:-$PWD/wasm}   # the reproducibility test builds elsewhere and compares
CLANG=${CLANG:-clang-16}
WASM_LD=${WASM_LD:-wasm-ld-16}
# Every kernel in the contract (src/engine/kernels.ts); a new kernel adds its name here.
EXPORTS="matmul matmul3 rmsnorm rope attention swiglu add embedding softmax argmax matmul_q8_0 matmul_q4_0
  rmsnorm_backward rope_backward attention_backward swiglu_backward embedding_backward
  softmax_cross_entropy adamw sumsq dropout zero"

CFLAGS="--target=wasm32 -O3 -msimd128 -nostdlib -mbulk-memory -mmutable-globals -matomics
  -fno-builtin -ffreestanding -fvisibility=hidden -ffile-prefix-map=$PWD=. -Wall -Wextra -Werror -Wno-unused-parameter"
# The memory is the engine's arena (imported, shared, up to 4 GiB). Each instance's C stack
# pointer is exported so the engine can place every thread's stack in the arena's stack region.
LDFLAGS="--no-entry --import-memory --shared-memory --max-memory=4294967296 --initial-memory=1114112
  -z stack-size=524288 --strip-all --export=__stack_pointer"
for e in $EXPORTS; do LDFLAGS="$LDFLAGS --export=$e"; done

build() { # build <output> <extra cflags>
  local out=$1 extra=$2 tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  for src in *.c; do
    $CLANG $CFLAGS $extra -c "$src" -o "$tmp/${src%.c}.o"
  done
  $WASM_LD $LDFLAGS "$tmp"/*.o -o "$tmp/out.wasm"
  mkdir -p "$OUT"
  mv "$tmp/out.wasm" "$OUT/$out"
  echo "built $OUT/$out ($(wc -c < "$OUT/$out") bytes)"
}

export LC_ALL=C
build kernels.wasm ""
build kernels-relaxed.wasm "-mrelaxed-simd"
