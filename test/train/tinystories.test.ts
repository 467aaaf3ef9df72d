// Real data, real CLI: `wren tokenize` the TinyStories sample, `wren train` a small model on it
// (the validation loss must fall at every evaluation), then load the checkpoint with
// `wren generate`, score it with `wren eval` and draw it with `wren plot`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, scratchDir, sharedFile } from '../_helpers.ts';
import { mulberry32 } from '../../src/util/rng.ts';

const tok = sharedFile('llama2c-stories260K/tok512.bin');
const text = sharedFile('tinystories/TinyStories-train_head2MiB.txt');

test('TinyStories: val loss falls steadily; the checkpoint generates, evaluates and plots', { skip: tok.skip || text.skip }, () => {
  const dir = scratchDir(), data = join(dir, 'data'), out = join(dir, 'run'), cfgPath = join(dir, 'train.json');
  let r = runCli(['tokenize', '--tokenizer', tok.path, '--in', text.path, '--out', data, '--val-fraction', '0.05']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /train: [\d,]+ tokens in \d+ documents .* val: [\d,]+ tokens/);
  writeFileSync(cfgPath, JSON.stringify({
    model: { hidden_size: 64, intermediate_size: 172, num_hidden_layers: 2, num_attention_heads: 8, num_key_value_heads: 4, vocab_size: 512, max_position_embeddings: 128, tie_word_embeddings: true },
    tokenizer: tok.path, data, out: 'run', batch_size: 16, seq_len: 64, steps: 150, lr: 6e-3, min_lr: 6e-4, warmup_steps: 10,
    eval_interval: 50, eval_batches: 8, checkpoint_interval: 50, seed: 1,
  }));
  r = runCli(['train', '--config', cfgPath, '--threads', '2'], { timeoutMs: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const evals = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((m) => m.val_loss !== undefined);
  assert.deepEqual(evals.map((e) => e.step), [50, 100, 150]);
  for (let i = 1; i < evals.length; i++) assert.ok(evals[i].val_loss < evals[i - 1].val_loss, `val loss rose: ${evals.map((e) => e.val_loss.toFixed(3))}`);
  assert.ok(evals[0].val_loss < Math.log(512) - 1 && evals[2].val_loss < evals[0].val_loss - 0.3, `val losses ${evals.map((e) => e.val_loss.toFixed(3))}`);

  // The checkpoint is a complete HF folder (transformers' AutoModelForCausalLM/AutoTokenizer files).
  const hf = (f: string) => JSON.parse(readFileSync(join(out, 'checkpoint', f), 'utf8'));
  assert.equal(hf('config.json').bos_token_id, 1);
  assert.equal(hf('generation_config.json').bos_token_id, 1);
  assert.equal(hf('tokenizer_config.json').model_max_length, 128);
  assert.ok(hf('special_tokens_map.json').bos_token);

  // What a sample may do on any CPU: stop early only at a stop token, and say which way it ended.
  // (Its text is not asserted: the kernels of each ISA sum in their own order, so the weights and
  // the sampled tokens differ in the last bits between machines.)
  r = runCli(['generate', '--model', join(out, 'checkpoint'), '--max-tokens', '40', '--temperature', '0.8', '--seed', '3', '--stats']);
  assert.equal(r.status, 0, r.stderr);
  const stats = /^(\d+) tokens in .* finish_reason: (stop|length)$/m.exec(r.stderr);
  assert.ok(stats, `stats line: ${r.stderr}`);
  const [made, finish] = [Number(stats[1]), stats[2]];
  assert.ok(finish === 'length' ? made === 40 : made < 40, `${made} tokens, finish_reason ${finish}`);

  // The model reads real held-out English better than the same words shuffled: TinyStories V2
  // (GPT-4 stories, a different file from the training text), first 200 lines.
  const heldOut = readFileSync(sharedFile('tinystories/TinyStoriesV2-GPT4-train_head10klines.txt').path, 'utf8').split('\n').slice(0, 200).join('\n');
  writeFileSync(join(dir, 'real.txt'), heldOut);
  writeFileSync(join(dir, 'shuffled.txt'), shuffleWords(heldOut, 7));
  const bpb = (file: string) => {
    const e = runCli(['eval', '--model', join(out, 'checkpoint'), '--data', join(dir, file), '--seq-len', '64']);
    assert.equal(e.status, 0, e.stderr);
    return JSON.parse(e.stdout).bits_per_byte as number;
  };
  const [real, shuffled] = [bpb('real.txt'), bpb('shuffled.txt')];
  assert.ok(real < shuffled - 0.1, `bits per byte: real ${real}, shuffled ${shuffled}`);

  r = runCli(['eval', '--model', join(out, 'checkpoint'), '--data', data, '--seq-len', '64', '--batch-size', '16', '--batches', '8']); // the trainer's eval windows
  assert.equal(r.status, 0, r.stderr);
  const ev = JSON.parse(r.stdout);
  assert.ok(Math.abs(ev.loss_per_token - evals[2].val_loss) < 1e-3, `eval ${ev.loss_per_token} vs trainer's ${evals[2].val_loss}`);
  assert.ok(ev.bits_per_byte > 0.5 && ev.bits_per_byte < 8, `bits per byte ${ev.bits_per_byte}`);

  r = runCli(['plot', out]);
  assert.equal(r.status, 0, r.stderr);
  const svg = readFileSync(join(out, 'loss.svg'), 'utf8');
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal((svg.match(/<circle /g) ?? []).length, 3, 'one marker per evaluation');
});

/** The same words in a seeded random order (Fisher–Yates). */
function shuffleWords(text: string, seed: number): string {
  const words = text.split(/\s+/).filter(Boolean), rand = mulberry32(seed);
  for (let i = words.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [words[i], words[j]] = [words[j], words[i]];
  }
  return words.join(' ');
}
