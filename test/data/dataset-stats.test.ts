// `wren data stats` on small files whose numbers can be worked out by hand, plus the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetStats, formatStats } from '../../src/data/stats/dataset-stats.ts';
import { Rng } from '../../src/data/seeds/rng.ts';
import { runCli } from '../_helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'wren-stats-'));
const write = (name: string, recs: unknown[]): string => {
  const p = join(dir, name);
  writeFileSync(p, recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return p;
};

test('distinct-n by hand: "a b a" and "b c"', async () => {
  const s = await datasetStats(write('tiny.jsonl', [{ text: 'A b a.' }, { text: 'b c' }]));
  assert.equal(s.records, 2);
  assert.equal(s.distinct.n1, 3 / 5);
  assert.equal(s.distinct.n2, 3 / 3);
  assert.equal(s.distinct.n3, 1);
  assert.equal(s.distinct.n4, 0);
  assert.deepEqual([s.words.min, s.words.max, s.words.mean], [2, 3, 2.5]);
});

test('near-duplicates, exact duplicates, seed and feature coverage, words outside the vocabulary', async () => {
  const rng = new Rng(3);
  const common = ['dog', 'cat', 'ball', 'run', 'jump', 'happy', 'red', 'tree', 'park', 'sun', 'play', 'big'];
  const long = ['dog', 'run', 'red', ...Array.from({ length: 97 }, () => rng.pick(common))];
  const nearly = [...long.slice(0, 99), 'zorblax'];
  const other = Array.from({ length: 100 }, () => rng.pick(common));
  const seeds = { noun: 'dog', verb: 'run', adjective: 'red', features: ['Dialogue', 'Twist'] };
  const recs = [
    { text: long.join(' '), recipe: 'tinystories', teacher: 'builtin', seeds },
    { text: nearly.join(' '), recipe: 'tinystories', teacher: 'builtin', seeds: { ...seeds, features: ['Twist'] } },
    { text: other.join(' '), recipe: 'tinystories', teacher: 'openai:x', seeds: { ...seeds, adjective: 'purple' } },
    { text: long.join(' '), recipe: 'tinystories', teacher: 'builtin', seeds },
  ];
  const s = await datasetStats(write('dups.jsonl', recs));
  assert.equal(s.records, 4);
  assert.deepEqual(s.byTeacher, { builtin: 3, 'openai:x': 1 });
  assert.equal(s.nearDuplicates.exactDuplicates, 1);
  assert.equal(s.nearDuplicates.records, 3, 'the two copies and the one-word change; not the other text');
  assert.equal(s.seeds.storyRecords, 4);
  assert.equal(s.seeds.recordsUsingAllSeeds, 3, 'the record asking for "purple" does not use it');
  assert.equal(s.features.Twist, 4);
  assert.equal(s.features.Dialogue, 3);
  assert.equal(s.outsideVocabulary.outside, 1);
  assert.deepEqual(s.outsideVocabulary.top, [['zorblax', 1]]);
  assert.equal(s.words.histogram.find((h) => h.from === 100)?.count, 4);
  const text = formatStats(s);
  assert.match(text, /near-duplicates .*: 3 \(75\.0%\); exact duplicates 1/);
  assert.match(text, /records that use all three seed words: 3\/4/);
});

test('a bad line is named; the CLI prints the report and JSON', async () => {
  const bad = join(dir, 'bad.jsonl');
  writeFileSync(bad, '{"text": "ok"}\n{"text": 3}\n');
  await assert.rejects(datasetStats(bad), /bad\.jsonl:2: the record has no "text" string/);
  const notJson = join(dir, 'notjson.jsonl');
  writeFileSync(notJson, '{"text": "ok"}\n{oops\n');
  await assert.rejects(datasetStats(notJson), /notjson\.jsonl:2: not valid JSON/);
  const file = write('cli.jsonl', [{ text: 'The dog ran to the park.', seeds: { noun: 'dog', verb: 'run', adjective: 'big', features: [] } }]);
  const r = runCli(['data', 'stats', file, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.records, 1);
  assert.equal(j.seeds.recordsUsingAllSeeds, 0, '"big" is not in the text');
  const e = runCli(['data', 'stats', bad]);
  assert.equal(e.status, 2);
  assert.match(e.stderr, /bad\.jsonl:2/);
});
