// The seed vocabulary, its coverage of the TinyStories seed words, seeded sampling, and the
// prompt recipes (the TinyStories prompt word for word, Instruct layout, textbook, bad recipes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultVocabulary, loadVocabulary, parseVocabulary, wordForms } from '../../src/data/seeds/vocabulary.ts';
import { readWordList, vocabularyCoverage } from '../../src/data/seeds/coverage.ts';
import { storySeedsForJob } from '../../src/data/seeds/sample.ts';
import { STORY_FEATURES } from '../../src/data/seeds/features.ts';
import { loadRecipe, parseRecipe } from '../../src/data/recipes/recipe.ts';
import { makeJob, storyPrompt } from '../../src/data/synth/jobs.ts';
import { seedWordsUsed } from '../../src/data/synth/validate.ts';
import { instructText, pickRandomSentence } from '../../src/data/synth/instruct.ts';
import { Rng } from '../../src/data/seeds/rng.ts';
import { WrenError } from '../../src/errors.ts';
import { sharedFile } from '../_helpers.ts';

const seedWords = sharedFile('tinystories/tinystories_seed_words_from_5_shards.txt');
const exampleRecord = sharedFile('tinystories/TinyStories_all_data_example_record.json');
const vocab = defaultVocabulary();

test('the vocabulary: ~1,500+ words, tagged, with inflections', () => {
  const total = vocab.nouns.length + vocab.verbs.length + vocab.adjectives.length;
  assert.ok(total >= 1400 && total <= 2000, `${total} words`);
  assert.ok(vocab.nouns.length > 600 && vocab.verbs.length > 300 && vocab.adjectives.length > 250);
  const noun = (w: string) => vocab.nouns.find((n) => n.word === w);
  const verb = (w: string) => vocab.verbs.find((v) => v.word === w);
  assert.equal(noun('foot')?.plural, 'feet');
  assert.equal(noun('child')?.plural, 'children');
  assert.equal(noun('mouse')?.plural, 'mice');
  assert.equal(noun('box')?.plural, 'boxes');
  assert.equal(noun('puppy')?.plural, 'puppies');
  assert.equal(noun('milk')?.plural, null);
  assert.deepEqual(wordForms(vocab, 'hang', 'verb'), ['hang', 'hung', 'hanging', 'hangs']);
  assert.deepEqual([verb('run')?.past, verb('run')?.ing], ['ran', 'running']);
  assert.deepEqual([verb('hop')?.past, verb('hop')?.ing], ['hopped', 'hopping']);
  assert.deepEqual([verb('bake')?.past, verb('bake')?.ing], ['baked', 'baking']);
  assert.deepEqual([verb('cry')?.past, verb('cry')?.third], ['cried', 'cries']);
  assert.deepEqual([verb('tie')?.ing, verb('see')?.ing], ['tying', 'seeing']);
  // no word twice within a part of speech
  for (const list of [vocab.nouns, vocab.verbs, vocab.adjectives]) assert.equal(new Set(list.map((x) => x.word)).size, list.length);
});

test('seed words used: whole words in any inflection, never inside another word', () => {
  const seeds = { noun: 'ant', verb: 'run', adjective: 'happy', features: [] };
  assert.deepEqual(seedWordsUsed('Then the hen wanted to rerun the race. Unhappy, she went home.', seeds, vocab), []);
  assert.deepEqual(seedWordsUsed('The ants ran home. They were happy!', seeds, vocab), ['run', 'ant', 'happy']);
  assert.deepEqual(seedWordsUsed('Running, the Ant smiled.', seeds, vocab), ['run', 'ant']);
});

test('coverage against the TinyStories generation seed words', { skip: seedWords.skip }, (t) => {
  const c = vocabularyCoverage(vocab, readWordList(seedWords.path));
  assert.equal(c.theirs, 1603);
  // written independently, the two lists should still share most everyday words
  assert.ok(c.oursInTheirs > 0.55, `${(c.oursInTheirs * 100).toFixed(1)}% of ours are TinyStories seed words`);
  assert.ok(c.theirsInOurs > 0.55, `${(c.theirsInOurs * 100).toFixed(1)}% of TinyStories seed words are ours`);
  t.diagnostic(`shared ${c.shared}: ${(c.oursInTheirs * 100).toFixed(1)}% of ours, ${(c.theirsInOurs * 100).toFixed(1)}% of theirs`);
});

test('a malformed vocabulary names the entry and field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wren-vocab-'));
  const bad = { format: 'wren-vocabulary', version: 1, nouns: [{ word: 'dog', plural: 'dogs', class: 'animal' }, { word: 'cat', plural: 3, class: 'animal' }], verbs: [{ word: 'run', past: 'ran', ing: 'running', third: 'runs', uses: [{ object: '' }] }], adjectives: [{ word: 'red', class: 'look' }] };
  assert.throws(() => parseVocabulary(bad, 'v.json'), /v\.json: nouns\[1\]\.plural must be a word or null/);
  assert.throws(() => parseVocabulary({ ...bad, nouns: [{ word: 'dog', plural: null, class: 'planet' }] }, 'v.json'), /nouns\[0\]\.class must be one of person animal/);
  assert.throws(() => parseVocabulary({ ...bad, version: 2 }, 'v.json'), /version 2 is not supported/);
  assert.throws(() => parseVocabulary({ ...bad, nouns: [bad.nouns[0]], verbs: [{ word: 'run', past: 'ran', ing: 'running', third: 'runs', uses: [] }] }, 'v.json'), /verbs\[0\]\.uses must be a non-empty list/);
  const p = join(dir, 'broken.json');
  writeFileSync(p, '{"format": "wren-vocabulary", ');
  assert.throws(() => loadVocabulary(p), (e: Error) => e instanceof WrenError && e.message.startsWith(`${p}: cannot read the vocabulary`));
});

test('seeded sampling: same seed and index give the same seeds; features drawn from the six', () => {
  assert.deepEqual(storySeedsForJob(vocab, 5, 17), storySeedsForJob(vocab, 5, 17));
  assert.notDeepEqual(storySeedsForJob(vocab, 5, 17), storySeedsForJob(vocab, 6, 17));
  const counts = [0, 0, 0, 0];
  const nouns = new Set<string>();
  for (let i = 0; i < 4000; i++) {
    const s = storySeedsForJob(vocab, 1, i);
    counts[s.features.length]++;
    nouns.add(s.noun);
    for (const f of s.features) assert.ok((STORY_FEATURES as readonly string[]).includes(f));
    assert.deepEqual(s.features, STORY_FEATURES.filter((f) => s.features.includes(f)), 'canonical order');
  }
  // default weights 0.2 / 0.4 / 0.3 / 0.1 (4,000 draws: within ±0.04)
  for (const [k, w] of [0.2, 0.4, 0.3, 0.1].entries()) assert.ok(Math.abs(counts[k] / 4000 - w) < 0.04, `${k} features: ${counts[k]}`);
  assert.ok(nouns.size > vocab.nouns.length * 0.9, `${nouns.size} distinct nouns in 4,000 draws`);
  const none = storySeedsForJob(vocab, 1, 3, { countWeights: [1] });
  assert.deepEqual(none.features, []);
});

test('the stories recipe renders the TinyStories prompt word for word', { skip: exampleRecord.skip }, () => {
  const record = JSON.parse(readFileSync(exampleRecord.path, 'utf8'))[0];
  const [verb, noun, adjective] = record.instruction.words as string[];
  const expected = record.instruction['prompt:'] as string;
  const recipe = loadRecipe('stories');
  assert.equal(storyPrompt(recipe, { verb, noun, adjective, features: record.instruction.features }), expected);
  // and with no features the feature sentence disappears cleanly
  assert.match(storyPrompt(recipe, { verb, noun, adjective, features: [] }), /the adjective "cute"\. Remember to only use simple words!/);
  assert.match(storyPrompt(recipe, { verb, noun, adjective, features: ['Dialogue', 'BadEnding', 'Twist'] }), /following features: the story should contain at least one dialogue, the story has a bad ending, something unexpected happens \/ there is a plot twist\. Remember/);
});

test('Instruct layout and the random sentence', () => {
  const text = instructText({ verb: 'hang', noun: 'foot', adjective: 'cute', features: ['Dialogue'] }, 'Lily swings.', 'Lily swings. "Push me!" she says.', 'Lily swings.');
  assert.equal(text, 'Features: Dialogue\nWords: hang, foot, cute\nSummary: Lily swings.\nRandom sentence: Lily swings.\nStory:\n\nLily swings. "Push me!" she says.');
  assert.doesNotMatch(instructText({ verb: 'a', noun: 'b', adjective: 'c', features: [] }, 's', 'x', ''), /Random sentence/);
  const story = 'Tom ran. He saw a cat! "Hi, cat," he said. Was it happy?';
  const picks = new Set(Array.from({ length: 50 }, (_, i) => pickRandomSentence(story, new Rng(i))));
  for (const p of picks) assert.ok(story.includes(p) && /^[A-Z"]/.test(p) && /[.!?]$/.test(p), p);
  assert.ok(picks.size >= 3);
});

test('the textbook recipe: topic × audience × style, code and general domains, exercises with solutions', () => {
  const recipe = loadRecipe('textbook');
  const domains = new Set<string>();
  for (let i = 0; i < 40; i++) {
    const job = makeJob(recipe, vocab, 9, i);
    assert.equal(job.kind, 'textbook');
    if (job.kind !== 'textbook') continue;
    domains.add(job.seeds.domain);
    assert.ok(job.prompt.includes(`"${job.seeds.topic}"`) && job.prompt.includes(job.seeds.audience) && job.prompt.includes(job.seeds.style));
    assert.match(job.prompt, /step by step/);
    assert.match(job.prompt, /3 exercises under the heading "## Exercises".*solution/s);
    if (job.seeds.domain === 'code') assert.match(job.prompt, /Python/);
    assert.doesNotMatch(job.prompt, /\{\w+\}/);
  }
  assert.deepEqual([...domains].sort(), ['code', 'general']);
});

test('bad recipes are clear errors', () => {
  const base = { format: 'wren-recipe', version: 1, name: 'r', kind: 'story', prompt: 'Use "{verb}", "{noun}" and "{adjective}".{features}' };
  assert.equal(parseRecipe(base, 'r.json').kind, 'story');
  assert.throws(() => parseRecipe({ ...base, prompt: 'Write a story about {noun}.' }, 'r.json'), /r\.json: recipe field "prompt" must contain the seed placeholders \{verb\} \{noun\} \{adjective\}; missing \{verb\} \{adjective\}/);
  assert.throws(() => parseRecipe({ ...base, prompt: base.prompt + ' {nuon}' }, 'r.json'), /unknown placeholders \{nuon\}/);
  assert.throws(() => parseRecipe({ ...base, kind: 'poem' }, 'r.json'), /"kind" must be "story", "instruct" or "textbook"/);
  assert.throws(() => parseRecipe({ ...base, format: 'other' }, 'r.json'), /"format" must be "wren-recipe"/);
  assert.throws(() => parseRecipe({ ...base, kind: 'textbook' }, 'r.json'), /must contain the seed placeholders \{topic\} \{audience\} \{style\}/);
  assert.throws(() => parseRecipe({ ...base, kind: 'instruct' }, 'r.json'), /"summaryPrompt" must be a string with the placeholder \{story\}/);
  assert.throws(() => parseRecipe({ ...base, features: { phrases: { Cliffhanger: 'x' } } }, 'r.json'), /unknown feature "Cliffhanger"/);
  assert.throws(() => parseRecipe({ ...base, temperature: 5 }, 'r.json'), /"temperature" must be a number in \[0, 2\]/);
  assert.throws(() => parseRecipe({ ...base, featureCountWeights: [0, 0] }, 'r.json'), /featureCountWeights/);
  assert.throws(() => loadRecipe('/no/such/recipe.json'), /neither a built-in recipe \(stories, instruct, textbook\) nor a file/);
});
