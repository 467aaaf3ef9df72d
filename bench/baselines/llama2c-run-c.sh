#!/usr/bin/env bash
# Drives an already-built llama2.c run.c (third-party, never in this repo) to measure greedy decode tok/s
# as run.c reports it ("achieved tok/s", which excludes the first token), -n 256 -t 0.0.
# usage: bench/baselines/llama2c-run-c.sh DIR RUNS
# DIR must hold (made by hand, outside the repo):
#   run_omp  = gcc -O3 -march=native -fopenmp run.c -lm     run_fast = gcc -Ofast -march=native -fopenmp run.c -lm
#   run_1t   = gcc -O3 -march=native run.c -lm
#   random-stories15M-v4096.bin, random-stories15M.bin: encodeLlama2cCheckpoint(config, (n) => m.params.view(n), 0)
#     of the bench/generate.ts random models (presets stories15M-v4096 / stories15M, initParameters seed 1)
#   tok_syn4096.bin: llama2.c tokenizer (int32 max_len; per token f32 score, i32 len, bytes), 4096 tokens,
#     id 10 = " ", id 11 = "b", all others "a" (lets -i b encode to [10, 11])
# Prints one line per run: case binary threads tok_s; and /proc/loadavg before each round.
set -euo pipefail
dir=$1; runs=${2:-5}
data=$(cd "$(dirname "$0")/../../../shared/data" && pwd)
s260="$data/llama2c-stories260K/stories260K.bin -z $data/llama2c-stories260K/tok512.bin"
# the random v4096 model greedily predicts BOS at step 0 and run.c stops on BOS, so force a 2-token prompt
v4096="$dir/random-stories15M-v4096.bin -z $dir/tok_syn4096.bin -i b"
v32000="$dir/random-stories15M.bin -z $data/tokenizers/llama2c-32k/tokenizer.bin"
for r in $(seq "$runs"); do
  echo "round $r loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
  for c in stories260K v4096 v32000; do
    case $c in stories260K) m=$s260;; v4096) m=$v4096;; v32000) m=$v32000;; esac
    for cfg in omp:1 omp:2 fast:1 fast:2 1t:1; do
      bin=${cfg%:*}; t=${cfg#*:}
      # shellcheck disable=SC2086
      tps=$(OMP_NUM_THREADS=$t "$dir/run_$bin" $m -n 256 -t 0.0 2>&1 >/dev/null | sed -n 's/achieved tok\/s: //p')
      echo "$c $bin $t $tps"
    done
  done
done
