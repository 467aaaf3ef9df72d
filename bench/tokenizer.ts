// `wren bench tokenizer [--runs N] [--file PATH]`: BPE training and GPT-2 encoding speed, each
// against its reference on the same machine and input.
//   train   vocab 4096 (+ <|endoftext|>) on the 2 MiB TinyStories sample, file → trained tokenizer,
//           1 thread, and 2 threads (counting in workers, including worker start-up);
//           vs SentencePiece BPE (python3 bench/spm_train_bpe.py, same file, same vocab size)
//   encode  GPT-2 (50,257 tokens) on the same file, MB/s: Wren on 1 thread, Wren on 2 worker
//           threads (pool started beforehand), and @huggingface/tokenizers (pure JS)
// "cold" = a fresh tokenizer instance per run (empty pre-token cache); "warm" = the same instance
// run again. One JSON line per case; times are medians over --runs runs.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { figureLine, jsOn, machineLine, median } from './_machine.ts';
import { intFlag, parseFlags } from '../src/cli/args.ts';
import { trainTokenizerFromFiles } from '../src/tokenizer/train-tokenizer.ts';
import { loadGpt2Tokenizer } from '../src/tokenizer/gpt2-files.ts';
import { bpeSpecToJson } from '../src/tokenizer/hf-tokenizer-json.ts';
import { BpeEncoderPool } from '../src/tokenizer/batch-encode.ts';
import { WrenError } from '../src/errors.ts';

const data = fileURLToPath(new URL('../../shared/data/', import.meta.url));
const EOT = '<|endoftext|>';

async function timeRuns(runs: number, fn: () => unknown | Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push((performance.now() - t0) / 1000);
  }
  return out;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

function spmTrain(file: string, vocab: number, runs: number): { median_s: number; spm_version: string } | { error: string } {
  // one python process per call; the script times only the training call itself
  const py = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const script = fileURLToPath(new URL('./spm_train_bpe.py', import.meta.url));
  const r = spawnSync(py, [script, file, String(vocab), String(runs), '2'], { encoding: 'utf8' });
  if (r.status !== 0) return { error: `sentencepiece not available (apt-get install -y python3-sentencepiece): ${r.stderr.trim().split('\n').pop()}` };
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseFlags(argv, { runs: { type: 'string' }, file: { type: 'string' } }, 'usage: wren bench tokenizer [--runs N] [--file PATH]');
  const runs = intFlag(values.runs, 'runs', 5, 1, 100);
  const file = typeof values.file === 'string' ? values.file : `${data}tinystories/TinyStories-train_head2MiB.txt`;
  const gpt2 = `${data}tokenizers/gpt2/`;
  if (!existsSync(file)) throw new WrenError(`benchmark input not found: ${file}`);
  console.log(machineLine());
  const text = readFileSync(file, 'utf8');
  const mb = statSync(file).size / 1e6;

  // training
  const vocabSize = 4096;
  const train = (threads: number) => trainTokenizerFromFiles([file], { vocabSize, specialTokens: [EOT], threads, parallelMinChars: 0 });
  // Wren and SentencePiece runs alternate, so a busy machine slows both alike.
  const first = await timeRuns(1, () => train(1));
  const t1: number[] = [];
  const spmTimes: number[] = [];
  let spm: ReturnType<typeof spmTrain> = { error: 'not run' };
  for (let i = 0; i < runs; i++) {
    t1.push(...(await timeRuns(1, () => train(1))));
    spm = spmTrain(file, vocabSize, 1);
    if ('median_s' in spm) spmTimes.push(spm.median_s);
  }
  const t2 = await timeRuns(runs, () => train(2));
  const spmS = spmTimes.length ? median(spmTimes) : undefined;
  if (spmS !== undefined && 'median_s' in spm) spm = { spm_version: spm.spm_version, median_s: r3(spmS) };
  console.log(figureLine({ case: 'train', vocab_size: vocabSize, file_mb: r3(mb), first_run_s: r3(first[0]), median_s: r3(median(t1)), runs }, jsOn(1)));
  console.log(figureLine({ case: 'train', vocab_size: vocabSize, file_mb: r3(mb), median_s: r3(median(t2)), note: 'includes starting 2 worker threads', runs }, jsOn(2)));
  console.log(figureLine({
    case: 'train-sentencepiece-bpe', vocab_size: vocabSize, ...spm,
    ...(spmS !== undefined ? { spm_over_wren_1thread: r3(spmS / median(t1)), spm_over_wren_first_run: r3(spmS / first[0]) } : {}),
  }, { isa: 'sentencepiece (C++)', threads: 1 }));

  // encoding
  const load = () => loadGpt2Tokenizer(`${gpt2}gpt2_vocab.json`, `${gpt2}gpt2_merges.txt`);
  const { Tokenizer: HfTokenizer } = await import('@huggingface/tokenizers');
  const base = load();
  const hfJson = bpeSpecToJson(base.spec);
  const expected = base.encode(text);
  const check = (ids: ArrayLike<number>, who: string) => {
    if (ids.length !== expected.length || expected.some((id, i) => ids[i] !== id)) throw new Error(`${who} ids differ from Wren 1-thread`);
  };
  const coldTimes: number[] = [];
  const hfColdTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    const tok = load();
    coldTimes.push(...(await timeRuns(1, () => tok.encode(text))));
    const hf = new HfTokenizer(hfJson as never, {} as never);
    let ids: number[] = [];
    hfColdTimes.push(...(await timeRuns(1, () => (ids = hf.encode(text, { add_special_tokens: false }).ids))));
    if (i === 0) check(ids, '@huggingface/tokenizers');
  }
  const warm = await timeRuns(runs, () => base.encode(text));
  const hfWarmTok = new HfTokenizer(hfJson as never, {} as never);
  hfWarmTok.encode(text, { add_special_tokens: false });
  const hfWarm = await timeRuns(runs, () => hfWarmTok.encode(text, { add_special_tokens: false }));
  const poolStart = performance.now();
  const pool = await BpeEncoderPool.create(base, 2);
  const poolStartS = (performance.now() - poolStart) / 1000;
  let pooled: Int32Array = new Int32Array(0);
  const poolCold = await timeRuns(1, async () => (pooled = await pool.encode(text)));
  check(pooled, 'Wren 2-thread');
  const poolWarm = await timeRuns(runs, () => pool.encode(text));
  await pool.close();
  const rate = (s: number) => r3(mb / s);
  const line = ({ threads, ...o }: Record<string, unknown> & { threads: number }) => console.log(figureLine({ case: 'encode', tokenizer: 'gpt2', file_mb: r3(mb), tokens: expected.length, runs, ...o }, jsOn(threads)));
  line({ impl: 'wren', threads: 1, cold_mb_s: rate(median(coldTimes)), warm_mb_s: rate(median(warm)) });
  line({ impl: 'wren', threads: 2, first_mb_s: rate(poolCold[0]), warm_mb_s: rate(median(poolWarm)), pool_start_s: r3(poolStartS) });
  line({ impl: '@huggingface/tokenizers', threads: 1, cold_mb_s: rate(median(hfColdTimes)), warm_mb_s: rate(median(hfWarm)) });
  console.log(figureLine({
    case: 'encode-ratio', wren_over_hf_cold: r3(median(hfColdTimes) / median(coldTimes)), wren_over_hf_warm: r3(median(hfWarm) / median(warm)),
    wren2_over_hf_warm: r3(median(hfWarm) / median(poolWarm)), target: '>= 2',
  }, jsOn(1)));
}
