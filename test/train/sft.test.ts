// SFT end to end and its parts: the chat template (markers as special ids, content as text, the
// loss mask on the assistant's tokens), special tokens added to a trained tokenizer (which
// @huggingface/tokenizers still loads and encodes the rendered template with to the same ids),
// bad records named by file:line, `wren sft` through the CLI to a folder `generate --chat` loads,
// and an SFT run stopped midway resuming bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { addSpecialTokens } from '../../src/tokenizer/add-special.ts';
import { CHATML_JINJA, encodeChat, IM_END, IM_START, renderChat, type ChatMessage } from '../../src/tokenizer/chat-template.ts';
import { loadTokenizerJson, saveTokenizerJson } from '../../src/tokenizer/hf-tokenizer-json.ts';
import { trainTokenizer } from '../../src/tokenizer/train-tokenizer.ts';
import { runSft } from '../../src/train/sft.ts';
import { runCli, scratchDir, sharedFile } from '../_helpers.ts';

const stories = sharedFile('tinystories/TinyStories-train_head2MiB.txt');
const dir = scratchDir();
const chat: ChatMessage[] = [
  { role: 'system', content: 'You write stories.' },
  { role: 'user', content: 'Write about a <|im_start|> cat.' },
  { role: 'assistant', content: 'Once upon a time, a cat sat.' },
];

async function chatTokenizer() {
  const text = readFileSync(stories.path, 'utf8').slice(0, 200_000);
  const { tokenizer } = await trainTokenizer([text], { vocabSize: 400, specialTokens: ['<|endoftext|>'] });
  return addSpecialTokens(tokenizer, [IM_START, IM_END]);
}

test('special tokens join a trained tokenizer after its vocabulary; HF tokenizers encodes the rendered chat to the same ids', { skip: stories.skip }, async () => {
  const { tokenizer, added } = await chatTokenizer();
  assert.deepEqual(added, [IM_START, IM_END]);
  assert.deepEqual([tokenizer.specialTokens.get(IM_START), tokenizer.specialTokens.get(IM_END), tokenizer.vocabSize], [400, 401, 402]);
  assert.deepEqual(addSpecialTokens(tokenizer, [IM_END]).added, [], 'a token it has is kept');
  assert.throws(() => addSpecialTokens(tokenizer, ['a']), /'a' is already an ordinary token of this tokenizer \(id \d+\)/); // it would not load again
  const path = join(dir, 'tok.json');
  saveTokenizerJson(tokenizer, path);
  const again = loadTokenizerJson(path);
  const hf = new HfTokenizer(JSON.parse(readFileSync(path, 'utf8')), {});
  const safe = chat.map((m) => ({ ...m, content: m.content.replace('<|im_start|>', 'big') })); // HF would read typed markers as markers
  const ours = encodeChat(again, safe, { addGenerationPrompt: true });
  assert.deepEqual(ours.ids, hf.encode(renderChat(safe, { addGenerationPrompt: true }), { add_special_tokens: false }).ids);
});

test('the chat template: markers are special ids, typed markers stay text, the loss mask covers the assistant only', { skip: stories.skip }, async () => {
  const { tokenizer } = await chatTokenizer();
  const { ids, train } = encodeChat(tokenizer, chat);
  const start = tokenizer.specialTokens.get(IM_START)!, end = tokenizer.specialTokens.get(IM_END)!;
  assert.equal(ids.filter((id) => id === start).length, 3, 'the user typed <|im_start|>: it is text, not a fourth marker');
  assert.equal(renderChat(chat), '<|im_start|>system\nYou write stories.<|im_end|>\n<|im_start|>user\nWrite about a <|im_start|> cat.<|im_end|>\n<|im_start|>assistant\nOnce upon a time, a cat sat.<|im_end|>\n');
  const trained = ids.filter((_, i) => train[i]);
  assert.equal(tokenizer.decode(trained.slice(0, -1)), 'Once upon a time, a cat sat.');
  assert.equal(trained.at(-1), end, 'the model learns to end its turn');
  assert.ok(CHATML_JINJA.includes("'<|im_start|>' + message['role']"));
});

/** A tokenizer (vocab 512) and a small random base model folder; chat data from built-in Instruct records. */
function setup() {
  const tok = join(dir, 'base-tok.json'), base = join(dir, 'base'), cfg = join(dir, 'base.json');
  let r = runCli(['tokenizer', 'train', '--in', stories.path, '--vocab-size', '512', '--special', '<|endoftext|>', '--out', tok, '--force']);
  assert.equal(r.status, 0, r.stderr);
  writeFileSync(cfg, JSON.stringify({ hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 4, vocab_size: 512, max_position_embeddings: 512 }));
  r = runCli(['init', '--config', cfg, '--tokenizer', tok, '--out', base, '--force']);
  assert.equal(r.status, 0, r.stderr);
  r = runCli(['synth', 'instruct', '--count', '160', '--out', join(dir, 'instruct.jsonl'), '--seed', '2']);
  assert.equal(r.status, 0, r.stderr);
  r = runCli(['data', 'chat', join(dir, 'instruct.jsonl'), '--out', join(dir, 'chats.jsonl'), '--force']);
  assert.equal(r.status, 0, r.stderr);
  const lines = readFileSync(join(dir, 'chats.jsonl'), 'utf8').trim().split('\n');
  writeFileSync(join(dir, 'train.jsonl'), lines.slice(0, 140).join('\n') + '\n');
  writeFileSync(join(dir, 'val.jsonl'), lines.slice(140).join('\n') + '\n');
  return base;
}

test('wren sft: the held-out loss falls, and the folder answers through generate --chat', { skip: stories.skip, timeout: 600_000 }, () => {
  const base = setup(), out = join(dir, 'sft');
  const r = runCli(['sft', '--model', base, '--data', join(dir, 'train.jsonl'), '--val', join(dir, 'val.jsonl'), '--out', out,
    '--steps', '40', '--eval-interval', '20', '--batch-size', '4', '--seq-len', '448', '--lr', '3e-3', '--threads', '2', '--skip-bad'], { timeoutMs: 600_000 });
  assert.equal(r.status, 0, r.stderr);
  const evals = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((m) => m.val_loss !== undefined);
  assert.deepEqual(evals.map((e) => e.step), [20, 40]);
  assert.ok(evals[1].val_loss < evals[0].val_loss, `held-out loss ${evals.map((e) => e.val_loss)}`);
  const cfg = JSON.parse(readFileSync(join(out, 'checkpoint', 'tokenizer_config.json'), 'utf8'));
  assert.equal(cfg.chat_template, CHATML_JINJA);
  const config = JSON.parse(readFileSync(join(out, 'checkpoint', 'config.json'), 'utf8'));
  assert.deepEqual([config.vocab_size, config.eos_token_id, config.pad_token_id], [514, 513, 0], 'two rows for the markers; a turn ends at <|im_end|>');
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'checkpoint', 'generation_config.json'), 'utf8')).eos_token_id, [513, 0]);
  const g = runCli(['generate', '--model', join(out, 'checkpoint'), '--chat', '--prompt', 'Write a short story for a small child. Use the words: run, dog, happy.', '--max-tokens', '30', '--seed', '1', '--stats']);
  assert.equal(g.status, 0, g.stderr);
  const stats = /^(\d+) tokens in .* finish_reason: (stop|length)$/m.exec(g.stderr);
  assert.ok(stats && (stats[2] === 'length' ? Number(stats[1]) === 30 : Number(stats[1]) < 30), g.stderr);
  assert.doesNotMatch(g.stdout, /<\|im_start\|>|Write a short story/, 'only the answer is printed');
  // exported to GGUF, the template travels in tokenizer.chat_template: the file chats as the folder does
  const gguf = join(dir, 'sft.gguf');
  const e = runCli(['export', '--format', 'gguf', '--model', join(out, 'checkpoint'), '--out', gguf, '--force']);
  assert.equal(e.status, 0, e.stderr);
  assert.match(e.stdout, /, chat template$/m);
  const ask = (model: string) => runCli(['generate', '--model', model, '--chat', '--prompt', 'Write a story. Use the words: run, dog, happy.', '--max-tokens', '24', '--temperature', '0', '--backend', 'reference']);
  const [fromFolder, fromGguf] = [ask(join(out, 'checkpoint')), ask(gguf)];
  assert.equal(fromGguf.status, 0, fromGguf.stderr);
  assert.equal(fromGguf.stdout, fromFolder.stdout, 'F32 GGUF: the same weights, template and stop tokens');
  const plain = runCli(['generate', '--model', base, '--chat', '--prompt', 'hi']);
  assert.equal(plain.status, 2);
  assert.match(plain.stderr, /--chat needs a model with a chat template/);
});

test('wren dpo on the SFT model: the held-out preference loss falls from log 2; the folder still chats', { skip: stories.skip, timeout: 600_000 }, () => {
  // Pairs from the chats: the reply written for the request is chosen, another request's reply rejected.
  const chats = readFileSync(join(dir, 'chats.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).messages as ChatMessage[]);
  const pairs = chats.map((m, i) => JSON.stringify({ prompt: m[0].content, chosen: m[1].content, rejected: chats[(i + 7) % chats.length][1].content }));
  writeFileSync(join(dir, 'pairs-train.jsonl'), pairs.slice(0, 140).join('\n') + '\n');
  writeFileSync(join(dir, 'pairs-val.jsonl'), pairs.slice(140).join('\n') + '\n');
  const out = join(dir, 'dpo');
  const r = runCli(['dpo', '--model', join(dir, 'sft', 'checkpoint'), '--data', join(dir, 'pairs-train.jsonl'), '--val', join(dir, 'pairs-val.jsonl'), '--out', out,
    '--steps', '30', '--pairs-per-batch', '2', '--seq-len', '448', '--lr', '3e-5', '--beta', '0.1', '--eval-interval', '0', '--threads', '2', '--skip-bad'], { timeoutMs: 600_000 });
  assert.equal(r.status, 0, r.stderr);
  const loss = (when: string) => Number(new RegExp(`held-out ${when}: +loss (\\d+\\.\\d+)`).exec(r.stdout)?.[1]);
  assert.equal(loss('before'), 0.6931, 'the policy starts as its own reference: z = 0');
  assert.ok(loss('after') < loss('before'), r.stdout);
  const refs = JSON.parse(readFileSync(join(out, 'reference-logps.json'), 'utf8'));
  assert.ok(refs.train.length > 0 && refs.train.every((p: number[]) => p.length === 2 && p.every((x) => x < 0)), 'log-probabilities of both replies');
  const g = runCli(['generate', '--model', join(out, 'checkpoint'), '--chat', '--prompt', 'Summarize this story in one sentence:\n\nA cat sat.', '--max-tokens', '10', '--seed', '2']);
  assert.equal(g.status, 0, g.stderr);
  const same = join(dir, 'same.jsonl');
  writeFileSync(same, JSON.stringify({ prompt: 'Hi', chosen: 'Hello.', rejected: 'Hello.' }) + '\n');
  const bad = runCli(['dpo', '--model', join(dir, 'sft', 'checkpoint'), '--data', same, '--out', join(dir, 'dpo-bad'), '--steps', '1']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /same\.jsonl:1: "chosen" and "rejected" are the same reply/);
});

test('bad records are named by file and line; --skip-bad goes on and reports them', { skip: stories.skip }, () => {
  const base = join(dir, 'base'), bad = join(dir, 'bad.jsonl');
  const ok = JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello.' }] });
  const cases: [string, RegExp][] = [
    ['{"messages": [', /bad\.jsonl:2: not valid JSON/],
    [JSON.stringify({ messages: [{ role: 'robot', content: 'x' }, { role: 'assistant', content: 'y' }] }), /bad\.jsonl:2: messages\[0\]: role must be system, user or assistant, got "robot"/],
    [JSON.stringify({ messages: [{ role: 'user', content: '' }, { role: 'assistant', content: 'y' }] }), /bad\.jsonl:2: messages\[0\]: content must be a non-empty string/],
    [JSON.stringify({ messages: [{ role: 'user', content: 'only a question' }] }), /bad\.jsonl:2: no assistant message to learn from/],
    [JSON.stringify({ messages: [{ role: 'user', content: 'long '.repeat(400) }, { role: 'assistant', content: 'y' }] }), /bad\.jsonl:2: the conversation is \d+ tokens, longer than the context \(449\)/],
  ];
  for (const [line, expected] of cases) {
    writeFileSync(bad, `${ok}\n${line}\n`);
    const r = runCli(['sft', '--model', base, '--data', bad, '--out', join(dir, 'bad-run'), '--steps', '1', '--seq-len', '448']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, expected);
  }
  const r = runCli(['sft', '--model', base, '--data', bad, '--out', join(dir, 'skip-run'), '--steps', '1', '--seq-len', '448', '--skip-bad']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /skipped .*bad\.jsonl:2: the conversation is/);
});

test('an SFT run stopped midway resumes to the straight run\'s weights, bit for bit', { skip: stories.skip, timeout: 600_000 }, async () => {
  const base = join(dir, 'base');
  const opts = (out: string) => ({
    model: base, data: join(dir, 'train.jsonl'), out, batchSize: 2, seqLen: 448, skipBad: true, threads: 1,
    settings: { steps: 8, grad_accum: 1, lr: 1e-3, min_lr: 1e-4, warmup_steps: 2, weight_decay: 0.1, beta1: 0.9, beta2: 0.95, eps: 1e-8, grad_clip: 1, eval_interval: 0, checkpoint_interval: 0, seed: 3 },
  });
  await runSft(opts(join(dir, 'straight')));
  const stop = new AbortController();
  const first = await runSft({ ...opts(join(dir, 'resumed')), signal: stop.signal, onProgress: (p) => { if (p.step === 3) stop.abort(); } });
  assert.deepEqual([first.interrupted, first.step], [true, 3]);
  const second = await runSft({ ...opts(join(dir, 'resumed')), resume: true });
  assert.equal(second.step, 8);
  for (const f of ['model.safetensors', 'optimizer.safetensors', 'trainer.json']) {
    assert.ok(readFileSync(join(dir, 'resumed', 'checkpoint', f)).equals(readFileSync(join(dir, 'straight', 'checkpoint', f))), `${f} is the straight run's`);
  }
});

test('an SFT run with a time budget ends at it with the learning rate decayed; a resume trains no further', { skip: stories.skip, timeout: 600_000 }, async () => {
  const out = join(dir, 'budget');
  const opts = {
    model: join(dir, 'base'), data: join(dir, 'train.jsonl'), out, batchSize: 2, seqLen: 448, skipBad: true, threads: 1, budgetSeconds: 2,
    settings: { steps: 1_000_000, grad_accum: 1, lr: 1e-3, min_lr: 1e-4, warmup_steps: 2, weight_decay: 0.1, beta1: 0.9, beta2: 0.95, eps: 1e-8, grad_clip: 1, eval_interval: 0, checkpoint_interval: 0, seed: 3 },
  };
  const r = await runSft(opts);
  assert.deepEqual([r.stoppedAtBudget, r.interrupted], [true, false]);
  assert.ok(r.step > 2 && r.step < 1_000_000 && r.seconds >= 2, `${r.step} steps in ${r.seconds} s`);
  const rows = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const lrs = rows.filter((x) => x.lr !== undefined).map((x) => x.lr as number);
  assert.ok(lrs.at(-1)! < 1.5e-4, `the last update's learning rate ${lrs.at(-1)} is near the floor`);
  assert.ok(Math.max(...lrs) > 9e-4, 'the peak was reached');
  assert.ok(rows.at(-1).val_loss === undefined || Number.isFinite(rows.at(-1).val_loss));
  const state = JSON.parse(readFileSync(join(out, 'checkpoint', 'trainer.json'), 'utf8'));
  assert.ok(state.seconds >= 2, 'the training time is kept for a resume');
  const again = await runSft({ ...opts, resume: true });
  assert.deepEqual([again.step, again.stoppedAtBudget], [r.step, true], 'the budget counts across resumes');
  assert.equal(again.loss, r.loss, 'a resume with nothing left to train reports the last loss');
  await assert.rejects(runSft({ ...opts, out: join(dir, 'budget-0'), budgetSeconds: 0 }), /a time budget must be a positive number of seconds, got 0/);
});

