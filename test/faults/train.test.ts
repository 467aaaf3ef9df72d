// `wren train` killed at seeded random moments (checkpoint writes included) and resumed: the final
// weights, optimizer and trainer state are the straight run's byte for byte, and metrics.jsonl
// holds each step once. A metrics row torn by a full disk, and temporary folders of killed
// checkpoint writes, do not stop a resume.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tokenizeToShards } from '../../src/train/tokenize.ts';
import { runCli, scratchDir, sharedFile } from '../_helpers.ts';
import { campaigns, killCampaign } from './_kill.ts';

const tok = sharedFile('llama2c-stories260K/tok512.bin');
const text = sharedFile('tinystories/TinyStoriesV2-GPT4-train_head10klines.txt');
const skip = tok.skip || text.skip;

async function setup(steps: number) {
  const dir = scratchDir(), data = join(dir, 'data');
  await tokenizeToShards({ tokenizer: tok.path, inputs: [text.path], out: data });
  const config = (out: string) => {
    const path = join(dir, `${out}.json`);
    writeFileSync(path, JSON.stringify({
      model: { hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 4, vocab_size: 512, max_position_embeddings: 64 },
      tokenizer: tok.path, data, out: join(dir, out), batch_size: 4, seq_len: 64, steps, eval_interval: 50, eval_batches: 2, checkpoint_interval: 20, seed: 3,
    }));
    return path;
  };
  return { dir, config };
}

/** Metrics rows without their timing (the one field that differs between runs). */
function metricRows(runDir: string): string[] {
  return readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => {
    const { tokens_per_s: _, ...row } = JSON.parse(l);
    return JSON.stringify(row);
  });
}

test('train: killed and resumed, the final state is the straight run\'s byte for byte', { skip, timeout: 3_600_000 }, async () => {
  const { dir, config } = await setup(400);
  const straight = runCli(['train', '--config', config('straight'), '--threads', '1']);
  assert.equal(straight.status, 0, straight.stderr);
  const finalBytes = statSync(join(dir, 'straight', 'metrics.jsonl')).size;
  const files = ['model.safetensors', 'optimizer.safetensors', 'trainer.json'];
  for (let c = 0; c < campaigns(2); c++) {
    const name = `run${c}`, cfg = config(name);
    const { final, killed, log } = await killCampaign((run) => ['train', '--config', cfg, '--threads', '1', ...(run > 0 ? ['--resume'] : [])],
      { seed: 77 + c, kills: 3, watch: join(dir, name, 'metrics.jsonl'), finalBytes });
    assert.ok(killed >= 1 && final.status === 0, `campaign ${c}:\n${log.join('\n')}`);
    for (const f of files) {
      assert.ok(readFileSync(join(dir, name, 'checkpoint', f)).equals(readFileSync(join(dir, 'straight', 'checkpoint', f))), `campaign ${c}: ${f} differs\n${log.join('\n')}`);
    }
    assert.deepEqual(metricRows(join(dir, name)), metricRows(join(dir, 'straight')), `campaign ${c}: metrics rows lost or doubled`);
    assert.deepEqual(readdirSync(join(dir, name)).filter((f) => f.startsWith('.checkpoint-')), [], 'no temporary checkpoint folders left');
  }
});

test('train --resume after a full disk tore a metrics row and killed checkpoint writes left temp folders', { skip }, async () => {
  const { dir, config } = await setup(20);
  const cfg = config('run');
  let r = runCli(['train', '--config', cfg, '--threads', '1', '--steps', '10']);
  assert.equal(r.status, 0, r.stderr);
  const run = join(dir, 'run');
  appendFileSync(join(run, 'metrics.jsonl'), '{"step":11,"tokens":28'); // what ENOSPC mid-write leaves
  mkdirSync(join(run, '.checkpoint-tmp-99999'));
  writeFileSync(join(run, '.checkpoint-tmp-99999', 'model.safetensors'), 'half');
  r = runCli(['train', '--config', cfg, '--threads', '1', '--resume']);
  assert.equal(r.status, 0, r.stderr);
  const steps = metricRows(run).map((l) => JSON.parse(l)).filter((m) => m.loss !== undefined).map((m) => m.step);
  assert.deepEqual(steps, Array.from({ length: 20 }, (_, i) => i + 1), 'each step once, the torn row gone');
  assert.ok(!existsSync(join(run, '.checkpoint-tmp-99999')), 'stale temp folder removed');

  writeFileSync(join(run, 'metrics.jsonl'), '{"step":1}\nnot json\n');
  r = runCli(['train', '--config', cfg, '--threads', '1', '--resume', '--steps', '25']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /metrics\.jsonl:2: not a JSON metrics row; fix or delete that line to resume/);
});
