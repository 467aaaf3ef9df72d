// 10,000 stories from the built-in teacher: each uses its three seed words, realises its
// features, is unique and passes a grammar sanity check. The checks here are written from the
// feature definitions, not from the grammar's templates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBuiltinTeacher } from '../../src/llm/builtin.ts';
import { defaultVocabulary, wordForms } from '../../src/data/seeds/vocabulary.ts';
import { storySeedsForJob } from '../../src/data/seeds/sample.ts';
import { mixSeed } from '../../src/data/seeds/rng.ts';
import type { StorySeeds } from '../../src/llm/teacher.ts';
import { synthesize } from '../../src/data/synth/run.ts';
import { builtinStories } from '../../src/data/synth/builtin-stories.ts';
import { loadRecipe } from '../../src/data/recipes/recipe.ts';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const N = 10_000;
const vocab = defaultVocabulary();

function uses(text: string, forms: string[]): boolean {
  return forms.some((f) => new RegExp(`\\b${f.replace(/[-']/g, '\\$&')}\\b`, 'i').test(text));
}

/** Sentence-level sanity: capitals, end marks, balanced quotes, articles, no doubled words. */
export function grammarProblems(story: string): string[] {
  const problems: string[] = [];
  for (const para of story.split('\n')) {
    if ((para.match(/"/g) ?? []).length % 2 !== 0) problems.push(`unbalanced quotes: ${para}`);
    for (const q of para.match(/"[^"]*"/g) ?? []) {
      if (!/^"[A-Z]/.test(q)) problems.push(`quote starts lower-case: ${q}`);
      if (!/[.!?,]"$/.test(q)) problems.push(`quote without end mark: ${q}`);
    }
    // a quote keeps its end mark: "Help!" she cried. → Q! she cried.
    const flat = para.replace(/"[^"]*?([.!?,])"/g, 'Q$1');
    if (/^[^A-ZQ]/.test(flat)) problems.push(`paragraph starts lower-case: ${para}`);
    if (!/[.!?]$/.test(flat)) problems.push(`paragraph without end mark: ${para}`);
    const lower = /(^|[^Q])[.!?]\s+[a-z]|Q\.\s+[a-z]/.exec(flat);
    if (lower) problems.push(`sentence starts lower-case: ...${lower[0]}`);
    if (/ {2}| [,.!?]/.test(para)) problems.push(`spacing: ${para}`);
    if (/\b(\w+) \1\b/i.test(para.replace(/"[^"]*"/g, ''))) problems.push(`doubled word: ${/\b(\w+) \1\b/i.exec(para)?.[0]}`);
    const an = /\ban ([b-df-hj-np-tv-z]\w*)/i.exec(para);
    if (an && !/^(hour|honest|honou?r)/i.test(an[1])) problems.push(`"an" before a consonant: ${an[0]}`);
    const a = /\ba ([aeio]\w*)/i.exec(para);
    if (a && !/^(one|once)/i.test(a[1])) problems.push(`"a" before a vowel: ${a[0]}`);
  }
  return problems;
}

const FEATURE_CHECKS: Record<string, (story: string) => boolean> = {
  Dialogue: (s) => /"[A-Z][^"]*[.!?,]"/.test(s),
  BadEnding: (s) => {
    const last = s.split('\n').at(-1) ?? '';
    return /\b(sad|cried|never|gone|lost|broken|hurt|alone|sorry|ruined|could not|too late|sick|wet|neither|nobody|not a good day|without)\b/i.test(last) && !/happily ever after/i.test(last);
  },
  MoralValue: (s) => /\b(learned (not )?(that|to)|the lesson|from that day on)\b/i.test(s),
  Twist: (s) => /\b(unexpected|surprise|surprising|all along|turned out)\b/i.test(s),
  Foreshadowing: (s) => {
    const payoff = s.lastIndexOf('remembered');
    const setup = s.search(/\b(noticed|did not know|told \w+ (not to|that)|said (that|the)|wanted it too)\b/);
    return setup >= 0 && payoff > setup;
  },
  Conflict: (s) => /\b(argue|argued|fight|fought|angry|mad)\b/i.test(s),
};

test(`${N} built-in stories: seed words, features, uniqueness, grammar`, async () => {
  const teacher = createBuiltinTeacher();
  const seen = new Set<string>();
  const failures: string[] = [];
  const featureCount: Record<string, number> = {};
  let quotesWithoutDialogue = 0;
  const t0 = Date.now();
  for (let i = 0; i < N; i++) {
    const seeds: StorySeeds = storySeedsForJob(vocab, 2024, i);
    const reply = await teacher.complete({ messages: [{ role: 'user', content: 'story' }], job: { kind: 'story', seeds, sampleSeed: mixSeed(2024, i) } });
    const story = reply.text;
    const where = `story ${i} ${JSON.stringify(seeds)}:\n${story}`;
    if (!uses(story, wordForms(vocab, seeds.noun, 'noun'))) failures.push(`noun missing in ${where}`);
    if (!uses(story, wordForms(vocab, seeds.verb, 'verb'))) failures.push(`verb missing in ${where}`);
    if (!uses(story, [seeds.adjective])) failures.push(`adjective missing in ${where}`);
    for (const f of seeds.features) {
      featureCount[f] = (featureCount[f] ?? 0) + 1;
      if (!FEATURE_CHECKS[f](story)) failures.push(`${f} not realised in ${where}`);
    }
    if (!seeds.features.includes('Dialogue') && story.includes('"')) quotesWithoutDialogue++;
    for (const p of grammarProblems(story)) failures.push(`${p} in ${where}`);
    if (!reply.summary || !/^[A-Z].*\.$/.test(reply.summary) || reply.summary.includes('\n')) failures.push(`bad summary "${reply.summary}" for ${where}`);
    if (seen.has(story)) failures.push(`duplicate ${where}`);
    seen.add(story);
  }
  const ms = Date.now() - t0;
  assert.deepEqual(failures.slice(0, 5), [], `${failures.length} failures`);
  assert.equal(seen.size, N);
  assert.equal(quotesWithoutDialogue, 0, 'spoken lines appear only when Dialogue is asked for');
  for (const f of Object.keys(FEATURE_CHECKS)) assert.ok((featureCount[f] ?? 0) > N * 0.1, `feature ${f} drawn ${featureCount[f]} times`);
  assert.ok(ms < 20_000, `10,000 stories took ${ms} ms`);
});

test('the grammar check catches what it should', () => {
  assert.deepEqual(grammarProblems('Lily ran. She smiled.'), []);
  assert.deepEqual(grammarProblems('"Help!" she cried. Mom said, "Come here."'), []);
  assert.equal(grammarProblems('lily ran.').length, 1);
  assert.equal(grammarProblems('Lily ran').length, 1);
  assert.ok(grammarProblems('Lily said, "Hi.').length >= 1);
  assert.equal(grammarProblems('"Come here." she said.').length, 1);
  assert.equal(grammarProblems('Lily ran. she smiled.').length, 1);
  assert.equal(grammarProblems('Lily saw a apple.').length, 1);
  assert.equal(grammarProblems('Lily saw an ball.').length, 1);
  assert.equal(grammarProblems('Lily saw the the ball.').length, 1);
});

test('same seeds and sample seed give the same story; the builtin teacher refuses textbooks and free prompts', async () => {
  const teacher = createBuiltinTeacher();
  const seeds: StorySeeds = { noun: 'foot', verb: 'hang', adjective: 'cute', features: ['Dialogue', 'BadEnding'] };
  const a = await teacher.complete({ messages: [], job: { kind: 'story', seeds, sampleSeed: 42 } });
  const b = await teacher.complete({ messages: [], job: { kind: 'story', seeds, sampleSeed: 42 } });
  const c = await teacher.complete({ messages: [], job: { kind: 'story', seeds, sampleSeed: 43 } });
  assert.equal(a.text, b.text);
  assert.notEqual(a.text, c.text);
  assert.equal(teacher.supports('textbook'), false);
  await assert.rejects(teacher.complete({ messages: [], job: { kind: 'textbook', seeds: { topic: 't', audience: 'a', style: 's', domain: 'code' }, sampleSeed: 1 } }), /only stories and instruct records, not textbooks; use --teacher openai:MODEL, azure:DEPLOYMENT, ollama:MODEL or gguf:PATH/);
  await assert.rejects(teacher.complete({ messages: [{ role: 'user', content: 'hi' }] }), /cannot answer free-form prompts/);
  await assert.rejects(teacher.complete({ messages: [], job: { kind: 'story', seeds: { ...seeds, noun: 'spaceship-zzz' }, sampleSeed: 1 } }), /does not know the noun "spaceship-zzz"/);
});

test('builtin Instruct records: Features, Words, Summary, optional Random sentence, Story', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'wren-instruct-')), 'instruct.jsonl');
  const rep = await synthesize({ recipe: loadRecipe('instruct'), teacher: createBuiltinTeacher(), count: 200, out, seed: 8 });
  assert.equal(rep.records, 200);
  let withSentence = 0;
  for (const line of readFileSync(out, 'utf8').trim().split('\n')) {
    const r = JSON.parse(line);
    assert.equal(r.teacher, 'builtin');
    assert.equal(r.recipe, 'tinystories-instruct');
    const m = /^Features: (.*)\nWords: (.*)\nSummary: (.*)\n(?:Random sentence: (.*)\n)?Story:\n\n([\s\S]+)$/.exec(r.text);
    assert.ok(m, r.text);
    assert.equal(m[1], r.seeds.features.join(', '));
    assert.equal(m[2], `${r.seeds.verb}, ${r.seeds.noun}, ${r.seeds.adjective}`);
    assert.equal(m[3], r.summary);
    assert.equal(m[5], r.story);
    if (m[4]) {
      withSentence++;
      assert.ok(r.story.includes(m[4]), 'the random sentence comes from the story');
    }
  }
  assert.ok(withSentence > 60 && withSentence < 140, `${withSentence} of 200 carry a random sentence (rate 0.5)`);
});

test('builtinStories in memory gives the same stories as a synth run with the same seed', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'wren-mem-')), 'stories.jsonl');
  await synthesize({ recipe: loadRecipe('stories'), teacher: createBuiltinTeacher(), count: 50, out, seed: 21 });
  const fromFile = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l).text);
  const inMemory = [...builtinStories({ count: 50, seed: 21 })].map((s) => s.text);
  assert.deepEqual(inMemory, fromFile);
});
