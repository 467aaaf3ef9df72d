// Ctrl-C during `wren train` saves a checkpoint at the step it reached and exits cleanly;
// `--resume` continues from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tokenizeToShards } from '../../src/train/tokenize.ts';
import { repoRoot, runCli, scratchDir, sharedFile } from '../_helpers.ts';

const tok = sharedFile('llama2c-stories260K/tok512.bin');
const text = sharedFile('tinystories/TinyStoriesV2-GPT4-train_head10klines.txt');

test('SIGINT saves a checkpoint and stops; --resume continues', { skip: tok.skip || text.skip }, async () => {
  const dir = scratchDir(), data = join(dir, 'data'), cfg = join(dir, 'train.json'), out = join(dir, 'run');
  await tokenizeToShards({ tokenizer: tok.path, inputs: [text.path], out: data });
  writeFileSync(cfg, JSON.stringify({
    model: { hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2, vocab_size: 512, max_position_embeddings: 32 },
    tokenizer: tok.path, data, out, batch_size: 2, seq_len: 32, steps: 1_000_000, eval_interval: 0, checkpoint_interval: 0,
  }));
  const child = spawn(process.execPath, [join(repoRoot, 'bin/wren.js'), 'train', '--config', cfg, '--threads', '1'], { cwd: repoRoot });
  let stdout = '', stderr = '';
  child.stdout.on('data', (b) => (stdout += b));
  child.stderr.on('data', (b) => (stderr += b));
  const metrics = join(out, 'metrics.jsonl');
  for (let i = 0; i < 300 && !(existsSync(metrics) && readFileSync(metrics, 'utf8').split('\n').length > 5); i++) await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  assert.equal(code, 0, stderr);
  assert.match(stderr, /interrupted: saving a checkpoint/);
  const m = /stopped at step (\d+)/.exec(stdout);
  assert.ok(m, stdout);
  const step = Number(m[1]);
  assert.equal(JSON.parse(readFileSync(join(out, 'checkpoint/trainer.json'), 'utf8')).step, step);
  const r = runCli(['train', '--config', cfg, '--resume', '--steps', String(step + 3), '--threads', '1']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`done at step ${step + 3}\\b`));
});
