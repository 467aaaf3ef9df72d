// The seed-word boost: the first token of each missing word's spellings is pushed up, a spelling
// begun gets its next token pushed hard, the stop tokens are held down while a word is missing,
// a word once written gets nothing more, and a word written three times but glued to more letters
// is given up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SeedWordBoost } from '../../src/generate/seed-word-boost.ts';
import { loadGgufTokenizer } from '../../src/nn/gguf-llama.ts';
import { repoRoot } from '../_helpers.ts';

const tok = loadGgufTokenizer(join(repoRoot, 'models/tinystories-teacher.gguf'));

test('boosts the start of a missing word, finishes a word begun, holds the stop down', () => {
  const parcel = tok.encode(' parcel'), stop = [tok.vocabSize - 1];
  assert.ok(parcel.length >= 2, 'a word of several tokens');
  const boost = new SeedWordBoost(tok, [['parcel', 'parcels']], 1.5, 0.05, stop);
  const logits = () => new Float32Array(tok.vocabSize);

  const start = logits();
  boost.apply(start, 'Once upon a time', tok.encode('Once upon a time'), 20);
  assert.equal(start[parcel[0]], 1.5 + 0.05 * 20, 'the first token, with the ramp');
  assert.equal(start[stop[0]], -(1.5 + 0.05 * 20), 'no ending while the word is missing');

  const midway = logits(), history = [...tok.encode('Once upon a time, a'), parcel[0]];
  boost.apply(midway, tok.decode(history), history, history.length);
  assert.ok(midway[parcel[1]] >= 10, 'the spelling begun is finished');

  const done = logits();
  boost.apply(done, 'Tom got a parcel.', tok.encode('Tom got a parcel.'), 6);
  assert.ok(done.every((x) => x === 0), 'a word written gets no more help, and the story may end');
  assert.equal(midway[parcel[0]], 0, 'no start pushed beside it: it would restart the word');

  const prefix = tok.encode('Once upon a time'), glued = [...parcel, ...tok.encode('ow')];
  const twice = [...prefix, ...glued, ...glued], thrice = [...twice, ...glued];
  assert.ok(!/\bparcels?\b/.test(tok.decode(thrice)), tok.decode(thrice));
  const again = logits();
  boost.apply(again, tok.decode(twice), twice, twice.length - prefix.length);
  assert.ok(again[parcel[0]] > 0, 'glued twice: still helped');
  const tries = logits();
  boost.apply(tries, tok.decode(thrice), thrice, thrice.length - prefix.length);
  assert.ok(tries.every((x) => x === 0), 'written whole three times and glued each time: given up, the stop no longer held down');
  const plural = logits();
  boost.apply(plural, 'Two parcels came.', tok.encode('Two parcels came.'), 4);
  assert.ok(plural.every((x) => x === 0), 'any form counts');
});
