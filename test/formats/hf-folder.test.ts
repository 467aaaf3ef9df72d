// HF folders: every file transformers needs, written by saveModel and by `wren export --format hf`
// from a llama2.c .bin, a GGUF and a folder; export → import gives the same logits bit for bit on
// one backend; a chat folder keeps its template; an existing --out is refused without --force.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createBackend, type Backend } from '../../src/engine/backend.ts';
import { encodeSentencePieceModel } from '../../src/formats/hf-tokenizer-files.ts';
import { loadModel, saveModel } from '../../src/nn/load.ts';
import { addSpecialTokens } from '../../src/tokenizer/add-special.ts';
import { CHATML_JINJA, CHATML_SPECIAL_TOKENS, encodeChat } from '../../src/tokenizer/chat-template.ts';
import { loadTokenizerJson } from '../../src/tokenizer/hf-tokenizer-json.ts';
import { Llama2cTokenizer } from '../../src/tokenizer/llama2c-tokenizer.ts';
import { repoRoot, runCli, scratchDir, sharedFile } from '../_helpers.ts';

const bin = sharedFile('llama2c-stories260K/stories260K.bin');
const tok = sharedFile('llama2c-stories260K/tok512.bin');
const stories = sharedFile('tinystories/TinyStoriesV2-GPT4-train_first5stories.txt');
const skip = bin.skip || tok.skip;
const dir = scratchDir('wren-hf-');
const PROMPT = [1, 403, 407, 261, 378, 300, 263, 23, 30, 11]; // token ids of stories260K's vocabulary

let backend: Backend;
after(() => backend?.dispose());
async function theBackend(): Promise<Backend> {
  return (backend ??= await createBackend({ threads: 1 }));
}

/** The logits after each prompt token, as bits. */
async function logits(path: string): Promise<Uint32Array[]> {
  const b = await theBackend(), mark = b.arena.mark();
  try {
    const { model } = loadModel(path, b);
    return PROMPT.map((id) => {
      model.forward([id]);
      return new Uint32Array(Float32Array.from(model.logitsView()).buffer);
    });
  } finally {
    b.arena.release(mark);
  }
}

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

function exportHf(model: string, out: string, extra: string[] = []): void {
  const r = runCli(['export', '--format', 'hf', '--model', model, '--out', out, ...extra]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /HF folder, float32/);
}

test('a llama2.c .bin exported as an HF folder holds every file transformers reads, and the same logits', { skip }, async () => {
  const out = join(dir, 'from-bin');
  exportHf(bin.path, out, ['--tokenizer', tok.path]);
  for (const f of ['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.bin', 'tokenizer.model', 'tokenizer_config.json', 'special_tokens_map.json']) {
    assert.ok(existsSync(join(out, f)), f);
  }
  const config = json(join(out, 'config.json'));
  assert.deepEqual([config.architectures, config.model_type, config.bos_token_id, config.eos_token_id, config.vocab_size], [['LlamaForCausalLM'], 'llama', 1, 2, 512]);
  assert.deepEqual(json(join(out, 'generation_config.json')), { bos_token_id: 1, eos_token_id: 2, pad_token_id: null, _from_model_config: true });
  const tc = json(join(out, 'tokenizer_config.json'));
  assert.deepEqual([tc.tokenizer_class, tc.bos_token, tc.eos_token, tc.unk_token, tc.model_max_length, tc.chat_template], ['LlamaTokenizer', '<s>', '</s>', '<unk>', 512, undefined]);
  assert.deepEqual(json(join(out, 'special_tokens_map.json')), { bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>' });
  assert.deepEqual(readFileSync(join(out, 'tokenizer.bin')), readFileSync(tok.path), 'the llama2.c tokenizer byte for byte');
  assert.deepEqual(await logits(out), await logits(bin.path));
});

test('tokenizer.model is a SentencePiece ModelProto with every piece, its score and type', { skip }, () => {
  const t = Llama2cTokenizer.load(tok.path, 512), bytes = encodeSentencePieceModel(t);
  // pieces are field 1 (length-delimited, tag 0x0a); the first three are <unk> (type 2), <s>, </s> (type 3)
  const first = bytes.subarray(0, 2 + bytes[1]);
  assert.equal(first[0], 0x0a);
  assert.deepEqual([...first.subarray(2)], [0x0a, 5, ...new TextEncoder().encode('<unk>'), 0x15, 0, 0, 0, 0, 0x18, 2]);
  const text = Buffer.from(bytes).toString('latin1');
  assert.ok(text.includes('<0x0A>') && text.includes('\u00e2\u0096\u0081'), 'byte pieces and the ▁ space marker'); // ▁ in UTF-8, read as latin1
  // walk the 512 piece messages (each short enough for a one-byte length), then trainer_spec (tag 0x12)
  let at = 0, count = 0;
  while (bytes[at] === 0x0a) { at += 2 + bytes[at + 1]; count++; }
  assert.deepEqual([count, bytes[at]], [512, 0x12]);
  assert.ok(text.includes('identity'));
});

test('GGUF → HF folder → the same logits; a folder re-exported is the same folder', { skip }, async () => {
  const gguf = join(dir, 's.gguf');
  let r = runCli(['export', '--format', 'gguf', '--model', bin.path, '--tokenizer', tok.path, '--out', gguf]);
  assert.equal(r.status, 0, r.stderr);
  const fromGguf = join(dir, 'from-gguf'), again = join(dir, 'again');
  exportHf(gguf, fromGguf);
  assert.deepEqual(await logits(fromGguf), await logits(bin.path));
  const a = Llama2cTokenizer.load(tok.path, 512), b = Llama2cTokenizer.load(join(fromGguf, 'tokenizer.bin'));
  assert.deepEqual([b.pieces.map((p) => Uint8Array.from(p)), b.scores], [a.pieces.map((p) => Uint8Array.from(p)), a.scores], 'the GGUF tokenizer back as tokenizer.bin');
  exportHf(fromGguf, again);
  for (const f of ['config.json', 'model.safetensors', 'tokenizer.bin', 'tokenizer_config.json']) {
    assert.deepEqual(readFileSync(join(again, f)), readFileSync(join(fromGguf, f)), f);
  }
  // an existing, non-empty --out needs --force
  r = runCli(['export', '--format', 'hf', '--model', gguf, '--out', again]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /again is not empty; pass --force/);
  assert.equal(runCli(['export', '--format', 'hf', '--model', gguf, '--out', again, '--force']).status, 0);
  // float16 weights: half the bytes, the logits of the float16-rounded weights
  const half = join(dir, 'half');
  r = runCli(['export', '--format', 'hf', '--model', bin.path, '--tokenizer', tok.path, '--out', half, '--type', 'f16']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(statSync(join(half, 'model.safetensors')).size < statSync(join(fromGguf, 'model.safetensors')).size * 0.55);
  const floats = (steps: Uint32Array[]) => steps.flatMap((u) => [...new Float32Array(u.buffer)]);
  const [lh, lf] = [floats(await logits(half)), floats(await logits(bin.path))];
  const worst = Math.max(...lh.map((x, i) => Math.abs(x - lf[i])));
  assert.ok(worst > 0 && worst < 0.1, `float16 logits within 0.1 of float32 (worst ${worst})`);
  r = runCli(['export', '--format', 'hf', '--model', gguf, '--out', join(dir, 'x'), '--type', 'q8_0']);
  assert.match(r.stderr, /--type for --format hf is f32 or f16 \(safetensors\), got 'q8_0'/);
});

test('a byte-level BPE chat folder keeps its template, special tokens and stop ids', { skip: skip || stories.skip }, async () => {
  const bpe = join(dir, 'bpe512.json');
  const r = runCli(['tokenizer', 'train', '--in', stories.path, '--vocab-size', '510', '--special', '<|endoftext|>', '--out', bpe, '--threads', '1']);
  assert.equal(r.status, 0, r.stderr);
  const { tokenizer } = addSpecialTokens(loadTokenizerJson(bpe), CHATML_SPECIAL_TOKENS);
  assert.equal(tokenizer.vocabSize, 512);
  const b = await theBackend(), mark = b.arena.mark(), folder = join(dir, 'chat');
  try {
    const { model } = loadModel(bin.path, b); // stories260K's weights under a 512-token BPE: only the files matter here
    saveModel(folder, model, {}, { tokenizer, chat: true });
  } finally {
    b.arena.release(mark);
  }
  const out = join(dir, 'chat-export');
  exportHf(folder, out);
  const tc = json(join(out, 'tokenizer_config.json'));
  assert.equal(tc.chat_template, CHATML_JINJA);
  assert.deepEqual([tc.tokenizer_class, tc.bos_token, tc.eos_token, tc.pad_token, tc.additional_special_tokens], ['PreTrainedTokenizerFast', '<|endoftext|>', '<|im_end|>', '<|endoftext|>', CHATML_SPECIAL_TOKENS]);
  assert.deepEqual(Object.values(tc.added_tokens_decoder).map((t) => (t as { content: string }).content), ['<|endoftext|>', ...CHATML_SPECIAL_TOKENS]);
  const config = json(join(out, 'config.json'));
  assert.deepEqual([config.bos_token_id, config.eos_token_id, config.pad_token_id], [0, 511, 0]);
  assert.deepEqual(json(join(out, 'generation_config.json')).eos_token_id, [511, 0], 'a turn ends at <|im_end|>, a text at <|endoftext|>');
  assert.deepEqual(readFileSync(join(out, 'tokenizer.json'), 'utf8'), readFileSync(join(folder, 'tokenizer.json'), 'utf8'));
  assert.deepEqual(await logits(out), await logits(folder));
  mkdirSync(join(dir, 'empty'));
  writeFileSync(join(dir, 'file'), 'x');
  assert.match(runCli(['export', '--format', 'hf', '--model', folder, '--out', join(dir, 'file')]).stderr, /exists and is not a folder/);
  exportHf(folder, join(dir, 'empty'));
});

// ---- an independent reader: PyTorch (scripts/check-hf-folder.py), where it is installed ----

const python = process.env.WREN_PYTHON ?? 'python3';

/** Wren's greedy ids after `prompt` on the folder (float32 matmul on the test backend). */
async function wrenGreedy(path: string, prompt: number[], n: number): Promise<number[]> {
  const b = await theBackend(), mark = b.arena.mark();
  try {
    const { model } = loadModel(path, b);
    const stop = new Set([model.config.bos_token_id, model.config.eos_token_id]), ids: number[] = [];
    model.forward(prompt);
    while (ids.length < n) {
      const l = model.logitsView();
      let best = 0;
      for (let i = 1; i < l.length; i++) if (l[i] > l[best]) best = i;
      if (stop.has(best)) break;
      ids.push(best);
      model.forward([best]);
    }
    return ids;
  } finally {
    b.arena.release(mark);
  }
}

function checkWithPython(folder: string, args: string[]): Record<string, unknown> | string {
  const r = spawnSync(python, [join(repoRoot, 'scripts/check-hf-folder.py'), folder, ...args], { encoding: 'utf8', timeout: 300_000 });
  if (r.error) return `${python} not found (set WREN_PYTHON to a Python with torch and safetensors)`;
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const got = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
  return got.skip ? `${got.skip}; set WREN_PYTHON to a Python that has them` : got;
}

test('PyTorch reads the exported folder and continues it as Wren does; transformers\' tokenizer encodes as Wren', { skip }, async (t) => {
  const out = join(dir, 'for-torch'), text = 'Once upon a time, Lily saw a dog.';
  exportHf(bin.path, out, ['--tokenizer', tok.path]);
  const got = checkWithPython(out, ['--prompt-ids', '1,403,407', '--max-tokens', '32', '--text', text]);
  if (typeof got === 'string') return t.skip(got);
  assert.deepEqual(got.ids, await wrenGreedy(out, [1, 403, 407], 32), `${got.reader}: the greedy ids`);
  if (got.text !== undefined) assert.match(String(got.text), /^a time, there was a little girl/, 'tokenizer.model decodes in SentencePiece');
  if (got.transformers === 'not installed') return t.diagnostic('transformers is not installed: AutoModelForCausalLM / AutoTokenizer not checked');
  assert.equal(got.transformers, true, 'transformers\' AutoModelForCausalLM picks the same ids');
  assert.deepEqual(got.tokenizer_ids, Llama2cTokenizer.load(tok.path, 512).encode(text), 'AutoTokenizer (LlamaTokenizer from tokenizer.model) encodes as Wren');
});

test('transformers renders and encodes a chat folder\'s template as Wren does', { skip: skip || stories.skip }, async (t) => {
  const folder = join(dir, 'chat-export'), text = 'Tell me a story about a cat.';
  if (!existsSync(folder)) return t.skip('the chat folder test did not run');
  const got = checkWithPython(folder, ['--max-tokens', '1', '--text', text]);
  if (typeof got === 'string') return t.skip(got);
  if (got.transformers === 'not installed') return t.skip('transformers is not installed');
  const tokenizer = loadTokenizerJson(join(folder, 'tokenizer.json'));
  assert.deepEqual(got.tokenizer_ids, tokenizer.encode(text), 'PreTrainedTokenizerFast from tokenizer.json');
  assert.deepEqual(got.chat_ids, encodeChat(tokenizer, [{ role: 'user', content: text }], { addGenerationPrompt: true }).ids, 'apply_chat_template, then the tokenizer');
});
