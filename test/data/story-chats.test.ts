// Seeds read back from real stories (the bundled teacher's SFT data): every seed word is in the
// story as a whole word, no function word is asked for, features come from what the text shows,
// and `wren data chat --from-stories` writes the conversations the chat models learn from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectFeatures, seedsFromStory, vocabularyWordsIn } from '../../src/data/seeds/from-story.ts';
import { Rng } from '../../src/data/seeds/rng.ts';
import { defaultVocabulary } from '../../src/data/seeds/vocabulary.ts';
import { storyRequest } from '../../src/data/synth/chat-examples.ts';
import { seedWordsUsed } from '../../src/data/synth/validate.ts';
import { runCli, scratchDir, sharedFile } from '../_helpers.ts';

const vocab = defaultVocabulary();
const story = 'Once upon a time, a happy dog jumped over a big log. "Look!" said Tom. Suddenly the dog was sad and cried.';

test('the vocabulary words a story uses, whole words only, no function words', () => {
  const w = vocabularyWordsIn(story, vocab);
  assert.ok(w.noun.includes('dog') && w.noun.includes('log'));
  assert.ok(w.verb.includes('jump'), 'an inflection (jumped) counts');
  assert.ok(w.adjective.includes('happy') && w.adjective.includes('sad'));
  assert.ok(vocab.functionWords.includes('say') && !w.verb.includes('say'), 'function words ("said") are left out');
  assert.deepEqual(vocabularyWordsIn('The cathedral was wanted.', vocab).noun.filter((n) => n === 'cat'), [], '"cat" is not in "cathedral"');
});

test('features a rule can see', () => {
  assert.deepEqual(detectFeatures(story), ['Dialogue', 'BadEnding', 'Twist']);
  assert.deepEqual(detectFeatures('Lily learned that sharing is good. She was happy.'), ['MoralValue']);
  assert.deepEqual(detectFeatures('The sun was warm. They played all day.'), []);
});

test('seed triples: distinct, each word in the story, the same for the same seed', () => {
  const a = seedsFromStory(story, vocab, new Rng(5), 3), b = seedsFromStory(story, vocab, new Rng(5), 3);
  assert.deepEqual(a, b);
  assert.equal(a.length, 3);
  assert.equal(new Set(a.map((s) => `${s.noun} ${s.verb} ${s.adjective}`)).size, 3);
  for (const s of a) assert.equal(seedWordsUsed(story, s, vocab).length, 3, JSON.stringify(s));
  assert.deepEqual(seedsFromStory('Hello there.', vocab, new Rng(1), 3), [], 'no noun, verb and adjective: no seeds');
});

const ts = sharedFile('tinystories/TinyStoriesV2-GPT4-train_first5stories.txt');

test('wren data chat --from-stories: conversations from real stories', { skip: ts.skip }, () => {
  const dir = scratchDir(), out = join(dir, 'chats.jsonl');
  const r = runCli(['data', 'chat', '--from-stories', ts.path, '--per-story', '2', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  const chats = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(chats.length, 10, r.stdout);
  for (const c of chats) {
    assert.equal(c.messages[0].role, 'user');
    assert.match(c.messages[0].content, /^Write a short story for a small child\. Use the words: \w+, [\w-]+, \w+\./);
    const [verb, noun, adjective] = /Use the words: ([\w-]+), ([\w-]+), ([\w-]+)\./.exec(c.messages[0].content)!.slice(1);
    assert.equal(seedWordsUsed(c.messages[1].content, { verb, noun, adjective, features: [] }, vocab).length, 3);
  }
  assert.equal(storyRequest({ verb: 'run', noun: 'dog', adjective: 'red', features: [] }), 'Write a short story for a small child. Use the words: run, dog, red.');
  writeFileSync(join(dir, 'x.jsonl'), '');
  const twice = runCli(['data', 'chat', 'x.jsonl', '--from-stories', ts.path, '--out', out]);
  assert.equal(twice.status, 2);
  assert.match(twice.stderr, /an Instruct file or --from-stories, not both/);
});
