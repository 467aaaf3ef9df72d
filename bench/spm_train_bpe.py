# Times SentencePiece BPE training (the comparison point for `wren bench tokenizer`).
# usage: python3 bench/spm_train_bpe.py FILE VOCAB_SIZE RUNS THREADS
# prints one JSON object: {"spm_version", "seconds": [...], "median_s"}
import json, os, statistics, sys, tempfile, time

import sentencepiece as spm

path, vocab, runs, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
times = []
with tempfile.TemporaryDirectory() as tmp:
    for _ in range(runs):
        t0 = time.perf_counter()
        spm.SentencePieceTrainer.train(
            input=path, model_prefix=os.path.join(tmp, "m"), vocab_size=vocab, model_type="bpe",
            user_defined_symbols=["<|endoftext|>"], character_coverage=1.0, byte_fallback=True,
            num_threads=threads, minloglevel=2,
        )
        times.append(time.perf_counter() - t0)
print(json.dumps({"spm_version": spm.__version__, "seconds": times, "median_s": statistics.median(times)}))
