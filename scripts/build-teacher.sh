#!/usr/bin/env bash
# Rebuilds the bundled teacher, models/tinystories-teacher.gguf (models/README.md): the TinyStories
# recipe on the two shared TinyStories files with a fixed shape and step count (so it does not
# depend on this machine's speed), write-a-story conversations read back from the training side's
# own stories, SFT, and Q8_0 GGUF (tokenizer and chat template inside).
#   DATA=../shared/data/tinystories RUN=runs/teacher bash scripts/build-teacher.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-../shared/data/tinystories}
RUN=${RUN:-runs/teacher}
OUT=${OUT:-models/tinystories-teacher.gguf}
wren() { node bin/wren.js "$@"; }

wren recipe tinystories --data "$DATA/TinyStories-train_head2MiB.txt" --data "$DATA/TinyStoriesV2-GPT4-train_head10klines.txt" \
  --shape base --steps 1600 --seed 1 --out "$RUN/recipe"
wren data chat --from-stories "$RUN/recipe/data/train.txt" --per-story 3 --seed 1 --out "$RUN/chats.jsonl" --force
wren data chat --from-stories "$RUN/recipe/data/heldout.txt" --per-story 1 --seed 2 --out "$RUN/chats-heldout.jsonl" --force
wren sft --model "$RUN/recipe/train/checkpoint" --data "$RUN/chats.jsonl" --val "$RUN/chats-heldout.jsonl" --out "$RUN/sft" \
  --steps 600 --batch-size 32 --seq-len 256 --lr 1e-3 --min-lr 1e-4 --warmup-steps 30 --dropout 0.1 \
  --eval-interval 100 --checkpoint-interval 100 --seed 1 --skip-bad $( [ -d "$RUN/sft/checkpoint" ] && echo --resume )
wren quantize --type q8_0 --model "$RUN/sft/checkpoint" --out "$OUT" --force
du -sh "$OUT"
