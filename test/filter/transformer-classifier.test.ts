// The 'transformer' edu classifier (the project's own small Llama with a 6-class head): it
// overfits a tiny labelled set, training is deterministic, a saved folder reloads to identical
// scores and drives the edu-value stage of a recipe, it runs end to end on the 150 FineWeb rows
// scored by Llama-3.3-70B (held-out metrics printed: 30 held-out rows, 3 of them below the keep
// threshold, show that the pipeline works, not how well it filters), and bad folders, kinds and
// options are clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEduClassifier } from '../../src/data/filter/edu/classifier.ts';
import { keepMetrics, stratifiedSplit } from '../../src/data/filter/edu/evaluate.ts';
import { readLabels } from '../../src/data/filter/edu/labels.ts';
import { trainEduClassifierFromLabels } from '../../src/data/filter/edu/train-classifier.ts';
import { TransformerEduClassifier } from '../../src/data/filter/edu/transformer-classifier.ts';
import { trainTransformerClassifier } from '../../src/data/filter/edu/transformer-train.ts';
import { runFilter } from '../../src/data/filter/pipeline.ts';
import { loadRecipe } from '../../src/data/filter/recipe.ts';
import { readSafetensors } from '../../src/formats/safetensors.ts';
import { run as filterCli } from '../../src/cli/filter.ts';
import { trainTokenizer } from '../../src/tokenizer/train-tokenizer.ts';
import { sharedFile } from '../_helpers.ts';
import { saveRandomLm } from '../_random-lm.ts';

const csv = sharedFile('edu-value/fineweb_edu_llama3.3-70b_scored_150.csv');
const TINY = { hidden: 32, layers: 1, heads: 2, maxLen: 48, vocab: 320, batch: 6, threads: 2 };

// Two texts per score, each score with its own vocabulary: learnable, and nothing else is.
const TOPICS = ['buy cheap shoes sale click', 'lol my cat sleeps all day', 'weather is nice today again',
  'history of rome and its emperors', 'photosynthesis turns light into sugar', 'proof that primes are infinite by euclid'];
const tinySet = TOPICS.flatMap((words, score) => [0, 1].map((v) => ({ text: `${words}. ${v ? words.split(' ').reverse().join(' ') : words}!`, score })));

test('transformer classifier: overfits a tiny labelled set, trains deterministically, reloads to identical scores, drives a recipe', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wren-tclf-'));
  const opts = { ...TINY, epochs: 60, lr: 3e-3, seed: 3 };
  const clf = await trainTransformerClassifier(tinySet, opts);
  const texts = tinySet.map((e) => e.text);
  const scores = clf.scoreBatch(texts);
  tinySet.forEach((e, i) => assert.ok(Math.abs(scores[i] - e.score) < 0.5, `"${e.text}": label ${e.score}, scored ${scores[i].toFixed(2)}`));
  assert.ok(clf.trainLoss[clf.trainLoss.length - 1] < 0.2 * clf.trainLoss[0], `loss ${clf.trainLoss[0]} → ${clf.trainLoss.at(-1)}`);
  // score() batches queued texts; it agrees with scoreBatch
  assert.deepEqual(await Promise.all(texts.map((t) => clf.score(t))), scores);
  clf.save(join(dir, 'a'), { threshold: 2.5 });
  await clf.close();

  const again = await trainTransformerClassifier(tinySet, opts);
  again.save(join(dir, 'b'), { threshold: 2.5 });
  await again.close();
  assert.ok(readFileSync(join(dir, 'a', 'model.safetensors')).equals(readFileSync(join(dir, 'b', 'model.safetensors'))), 'same seed, same weights');

  const loaded = await loadEduClassifier(join(dir, 'a'));
  assert.ok(loaded instanceof TransformerEduClassifier);
  assert.deepEqual(await Promise.all(texts.map((t) => loaded.score(t, ''))), scores, 'reloaded model scores exactly as the trained one');
  await loaded.close?.();
  const { tensors } = readSafetensors(join(dir, 'a', 'model.safetensors'));
  assert.deepEqual(tensors.get('score.weight')?.shape, [6, 32]);
  assert.ok(tensors.has('model.layers.0.self_attn.q_proj.weight') && !tensors.has('lm_head.weight'));
  const config = JSON.parse(readFileSync(join(dir, 'a', 'config.json'), 'utf8'));
  assert.deepEqual([config.architectures, config.num_labels, config.pad_token_id], [['LlamaForSequenceClassification'], 6, 0]);

  // the folder as the edu-value stage's model: keeps exactly the texts it scores ≥ 2.5
  writeFileSync(join(dir, 'in.jsonl'), tinySet.map((e, i) => JSON.stringify({ id: `t${i}`, text: e.text, label: e.score })).join('\n') + '\n');
  writeFileSync(join(dir, 'r.yaml'), 'stages:\n  - stage: edu-value\n    scorer: classifier\n    model: a\n    threshold: 2.5\n');
  const { pass } = await runFilter({ inputs: [join(dir, 'in.jsonl')], output: join(dir, 'out.jsonl'), recipe: loadRecipe(join(dir, 'r.yaml')), progress: false });
  const out = readFileSync(join(dir, 'out.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(pass.docsOut, scores.filter((s) => Math.round(s * 1000) / 1000 >= 2.5).length);
  assert.deepEqual(out.map((d) => d.label), tinySet.filter((e) => e.score >= 3).map((e) => e.score));
  rmSync(dir, { recursive: true, force: true });
});

test('transformer classifier end to end on the 150 scored FineWeb rows (held-out metrics printed)', { skip: csv.skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wren-tclf-150-'));
  const r = await trainEduClassifierFromLabels({ labels: csv.path, out: join(dir, 'm'), kind: 'transformer', folds: 2, seed: 1, trainOptions: { ...TINY, batch: 16, epochs: 4 } });
  assert.equal(r.kind, 'transformer');
  assert.equal(r.heldOut.n, 30);
  assert.equal(r.heldOut.n - r.heldOut.positives, 3);
  assert.equal(r.crossValidation.n, 150);
  for (const m of [r.heldOut, r.crossValidation]) {
    for (const x of [m.precision, m.recall, m.f1, m.accuracy]) assert.ok(x >= 0 && x <= 1);
    assert.ok(m.mae >= 0 && m.mae <= 5 && Math.abs(m.spearman) <= 1);
  }
  const f = (m: typeof r.heldOut) => `P ${m.precision.toFixed(3)} R ${m.recall.toFixed(3)} F1 ${m.f1.toFixed(3)} (keep-all ${m.baselineKeepAll.f1.toFixed(3)}) Spearman ${m.spearman.toFixed(2)}`;
  console.log(`transformer (tiny test settings, ${r.trainSeconds.toFixed(1)} s): held-out ${f(r.heldOut)}; 2-fold CV ${f(r.crossValidation)}`);
  assert.match(readFileSync(join(dir, 'm', 'metrics.md'), 'utf8'), /# Edu-value classifier \(transformer\)[\s\S]*held-out split \(this model\) \| 30 \|/);
  // The saved model reproduces the reported held-out metrics exactly (same split, same scores).
  const { examples } = readLabels(csv.path);
  const { test: heldOut } = stratifiedSplit(examples, 0.2, 1);
  const model = await loadEduClassifier(join(dir, 'm'));
  const scores = await Promise.all(heldOut.map((e) => model.score(e.text, '')));
  await model.close?.();
  assert.deepEqual(keepMetrics(heldOut.map((e) => e.score), scores, 3), r.heldOut);
  rmSync(dir, { recursive: true, force: true });
});

test('transformer classifier: missing or corrupt folders, wrong kinds and bad options are clear errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wren-tclf-bad-'));
  const clf = await trainTransformerClassifier(tinySet, { ...TINY, epochs: 1 });
  clf.save(join(dir, 'good'), { threshold: 3 });
  await clf.close();
  const variant = (name: string, edit: (d: string) => void) => { const d = join(dir, name); cpSync(join(dir, 'good'), d, { recursive: true }); edit(d); return d; };
  const manifest = (d: string, patch: Record<string, unknown>) => {
    const m = JSON.parse(readFileSync(join(d, 'classifier.json'), 'utf8'));
    writeFileSync(join(d, 'classifier.json'), JSON.stringify({ ...m, ...patch }));
  };

  await assert.rejects(loadEduClassifier(join(dir, 'nowhere')), /nowhere: no classifier\.json/);
  await assert.rejects(loadEduClassifier(variant('notok', (d) => rmSync(join(d, 'tokenizer.json')))), /has no tokenizer\.json/);
  await assert.rejects(loadEduClassifier(variant('noweights', (d) => rmSync(join(d, 'model.safetensors')))), /has no model\.safetensors/);
  await assert.rejects(loadEduClassifier(variant('cut', (d) => truncateSync(join(d, 'model.safetensors'), 5000))), /cut[/\\]model\.safetensors: .*(truncated|does not fit)/);
  await assert.rejects(loadEduClassifier(variant('noconfig', (d) => rmSync(join(d, 'config.json')))), /has no config\.json/);
  await assert.rejects(loadEduClassifier(variant('lm', (d) => {
    const c = JSON.parse(readFileSync(join(d, 'config.json'), 'utf8'));
    writeFileSync(join(d, 'config.json'), JSON.stringify({ ...c, architectures: ['LlamaForCausalLM'] }));
  })), /architectures is \["LlamaForCausalLM"\], expected \["LlamaForSequenceClassification"\]/);
  await assert.rejects(loadEduClassifier(variant('garbled', (d) => writeFileSync(join(d, 'config.json'), '{"hidden_size": 3'))), /config\.json: not valid JSON/);
  await assert.rejects(loadEduClassifier(variant('kind', (d) => manifest(d, { kind: 'bogus' }))), /unknown classifier kind 'bogus'; known: linear-ngram, stacked, transformer, embedding/);
  await assert.rejects(loadEduClassifier(variant('linear', (d) => manifest(d, { kind: 'linear-ngram' }))), /linear-ngram needs integer 'bits'/);
  await assert.rejects(loadEduClassifier(variant('maxlen', (d) => manifest(d, { maxLen: 'long' }))), /transformer needs an integer 'maxLen'/);
  const other = await trainTransformerClassifier(tinySet, { ...TINY, vocab: 300, epochs: 1 });
  other.save(join(dir, 'other'), {});
  await other.close();
  await assert.rejects(loadEduClassifier(variant('mixed', (d) => cpSync(join(dir, 'other', 'tokenizer.json'), join(d, 'tokenizer.json')))), /tokenizer\.json: 300 tokens, config\.json says vocab_size 320/);
  // a linear model's folder is not a transformer, and vice versa, by what its manifest says
  const linearDir = join(dir, 'lin');
  writeFileSync(join(dir, 'labels.jsonl'), tinySet.map((e) => JSON.stringify(e)).join('\n') + '\n');
  await trainEduClassifierFromLabels({ labels: join(dir, 'labels.jsonl'), out: linearDir, folds: 2 });
  assert.ok(existsSync(join(linearDir, 'weights.f32')) && !existsSync(join(linearDir, 'config.json')));
  assert.equal((await loadEduClassifier(linearDir)).kind, 'linear-ngram');

  await assert.rejects(trainTransformerClassifier(tinySet, { ...TINY, hidden: 30, heads: 4 }), /hidden 30 must split into 4 heads of an even size/);
  await assert.rejects(trainTransformerClassifier(tinySet, { ...TINY, depth: 3 }), /unknown option 'depth'/);
  await assert.rejects(trainTransformerClassifier(tinySet, { ...TINY, lr: 0 }), /'lr' must be a number in/);
  await assert.rejects(trainTransformerClassifier([], TINY), /no labelled examples/);
  const cli = ['train-classifier', '--labels', join(dir, 'labels.jsonl'), '--out', join(dir, 'cli')];
  await assert.rejects(filterCli([...cli, '--kind', 'transformer', '--bits', '12']), /--bits is a linear-ngram option/);
  await assert.rejects(filterCli([...cli, '--hidden', '32']), /--hidden is a transformer option; add --kind transformer/);
  await assert.rejects(filterCli([...cli, '--kind', 'transformer', '--pooling', 'max']), /--pooling must be last or mean/);
  await assert.rejects(filterCli([...cli, '--kind', 'forest']), /unknown classifier kind 'forest'/);
  rmSync(dir, { recursive: true, force: true });
});

test('transformer classifier --init: starts from a pretrained LM folder (its trunk, sizes and tokenizer; a fresh head)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wren-tclf-init-'));
  const { tokenizer } = await trainTokenizer(tinySet.map((e) => e.text), { vocabSize: 300, specialTokens: ['<|endoftext|>'] });
  const config = { hidden_size: 16, intermediate_size: 48, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1, vocab_size: tokenizer.vocabSize,
    max_position_embeddings: 64, rope_theta: 10000, rms_norm_eps: 1e-5, tie_word_embeddings: false, eos_token_id: 0 };
  await saveRandomLm(join(dir, 'lm'), tokenizer, config, 11);

  const clf = await trainTransformerClassifier(tinySet, { maxLen: 32, epochs: 1, lr: 1e-7, batch: 4 }, join(dir, 'lm'));
  const scores = clf.scoreBatch(tinySet.map((e) => e.text));
  clf.save(join(dir, 'c'), {});
  await clf.close();
  const lmT = readSafetensors(join(dir, 'lm', 'model.safetensors')).tensors, cT = readSafetensors(join(dir, 'c', 'model.safetensors')).tensors;
  for (const name of ['model.embed_tokens.weight', 'model.layers.0.self_attn.k_proj.weight', 'model.layers.0.mlp.down_proj.weight']) {
    const a = lmT.get(name)!.data, b = cT.get(name)!.data;
    assert.equal(a.length, b.length, name);
    assert.ok(a.every((x, i) => Math.abs(x - b[i]) < 1e-5), `${name} starts from the LM's weights`);
  }
  assert.deepEqual(cT.get('score.weight')?.shape, [6, 16]);
  assert.ok(!cT.has('lm_head.weight'));
  assert.equal(readFileSync(join(dir, 'c', 'tokenizer.json'), 'utf8'), readFileSync(join(dir, 'lm', 'tokenizer.json'), 'utf8'));
  assert.equal(JSON.parse(readFileSync(join(dir, 'c', 'config.json'), 'utf8')).pad_token_id, 0, 'pads with the end-of-text id');
  const loaded = await loadEduClassifier(join(dir, 'c'));
  assert.deepEqual(await Promise.all(tinySet.map((e) => loaded.score(e.text, ''))), scores);
  await loaded.close?.();

  await assert.rejects(trainTransformerClassifier(tinySet, {}, join(dir, 'missing')), /missing: no such model file or folder/);
  rmSync(join(dir, 'lm', 'tokenizer.json'));
  await assert.rejects(trainTransformerClassifier(tinySet, {}, join(dir, 'lm')), /expected a model folder with config\.json, model\.safetensors and tokenizer\.json/);
  writeFileSync(join(dir, 'labels.jsonl'), tinySet.map((e) => JSON.stringify(e)).join('\n') + '\n');
  await assert.rejects(filterCli(['train-classifier', '--labels', join(dir, 'labels.jsonl'), '--out', join(dir, 'x'), '--init', join(dir, 'lm')]), /--init is a transformer option/);
  rmSync(dir, { recursive: true, force: true });
});
