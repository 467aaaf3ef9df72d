// `wren data stats FILE.jsonl` — what a dataset holds; `wren data vocab [--compare FILE]` — the
// seed vocabulary and its overlap with another word list; `wren data chat` — SFT conversations
// from Instruct records.
import { existsSync } from 'node:fs';
import { CliError, intFlag, parseFlags, requiredFlag } from './args.ts';
import { checkOutNotInput } from '../formats/out-folder.ts';
import { chatExamplesFromFile, chatExamplesFromStories } from '../data/synth/chat-examples.ts';
import { writeFileAtomic } from '../formats/atomic.ts';
import { datasetStats, formatStats } from '../data/stats/dataset-stats.ts';
import { defaultVocabulary } from '../data/seeds/vocabulary.ts';
import { readWordList, vocabularyCoverage } from '../data/seeds/coverage.ts';

const HELP = `usage: wren data stats FILE.jsonl [--json] [--sample N]
       wren data vocab [--compare WORDS.txt]
       wren data chat INSTRUCT.jsonl --out CHATS.jsonl [--seed S] [--force]
       wren data chat --from-stories STORIES.txt --out CHATS.jsonl [--per-story N] [--seed S] [--force]

  stats: counts, length histogram, seed and feature coverage, distinct-n, near-duplicate rate and
         words outside the seed vocabulary (distinct-n and near-duplicates use the first N records,
         default 20000)
  vocab: the seed vocabulary by part of speech; --compare: overlap with a word list (one a line)
  chat:  SFT conversations (OpenAI format) from 'wren synth instruct' records: write a story
         with these words and features, or summarise a story. --from-stories: from real stories
         (<|endoftext|>-separated text), asking for N (default 3) different noun/verb/adjective
         triples of the seed vocabulary that each story uses, with the features rules detect`;

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(argv, {
    json: { type: 'boolean' }, sample: { type: 'string' }, compare: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' }, force: { type: 'boolean' },
    'from-stories': { type: 'string' }, 'per-story': { type: 'string' },
  }, HELP, { positionals: true });
  const [sub, file, ...extra] = positionals;
  if (sub === 'stats') {
    if (!file || extra.length > 0) throw new CliError(`data stats takes one JSONL file\n\n${HELP}`);
    const stats = await datasetStats(file, { sample: intFlag(values.sample, 'sample', 20_000, 1, 10_000_000) });
    console.log(values.json ? JSON.stringify(stats) : formatStats(stats));
    return;
  }
  if (sub === 'vocab') {
    const v = defaultVocabulary();
    const byClass = (xs: { class: string }[]) => Object.entries(xs.reduce<Record<string, number>>((m, x) => ((m[x.class] = (m[x.class] ?? 0) + 1), m), {})).map(([k, n]) => `${k} ${n}`).join(', ');
    console.log(`seed vocabulary: ${v.nouns.length} nouns (${byClass(v.nouns)}), ${v.verbs.length} verbs, ${v.adjectives.length} adjectives (${byClass(v.adjectives)}); ${v.nouns.length + v.verbs.length + v.adjectives.length} words`);
    if (typeof values.compare === 'string') {
      const c = vocabularyCoverage(v, readWordList(values.compare));
      console.log(`compared with ${values.compare} (${c.theirs} words): ${c.shared} shared; ${(c.oursInTheirs * 100).toFixed(1)}% of ours are in it, ${(c.theirsInOurs * 100).toFixed(1)}% of it is in ours`);
      console.log(`only in it (first 40): ${c.onlyTheirs.slice(0, 40).join(' ')}`);
    }
    return;
  }
  if (sub === 'chat' && values['from-stories'] !== undefined) {
    if (file) throw new CliError('data chat takes an Instruct file or --from-stories, not both');
    const out = requiredFlag(values.out, 'out');
    checkOutNotInput(out, [values['from-stories'] as string]);
    if (existsSync(out) && !values.force) throw new CliError(`--out ${out} exists; pass --force to replace it`);
    const r = await chatExamplesFromStories(values['from-stories'] as string, defaultVocabulary(), intFlag(values['per-story'], 'per-story', 3, 1, 100), intFlag(values.seed, 'seed', 1, 0));
    writeFileAtomic(out, r.chats.map((c) => JSON.stringify(c) + '\n').join(''));
    console.log(`${out}: ${r.chats.length} write-a-story conversations from ${new Set(r.chats.map((c) => c.index)).size} stories (${r.skipped} use no noun, verb or adjective of the vocabulary)`);
    return;
  }
  if (sub === 'chat') {
    if (!file || extra.length > 0) throw new CliError(`data chat takes one Instruct JSONL file (from 'wren synth instruct')`);
    const out = requiredFlag(values.out, 'out');
    checkOutNotInput(out, [file]);
    if (existsSync(out) && !values.force) throw new CliError(`--out ${out} exists; pass --force to replace it`);
    const chats = await chatExamplesFromFile(file, intFlag(values.seed, 'seed', 1, 0));
    writeFileAtomic(out, chats.map((c) => JSON.stringify(c) + '\n').join(''));
    const stories = chats.filter((c) => c.task === 'story').length;
    console.log(`${out}: ${chats.length} conversations (${stories} write-a-story, ${chats.length - stories} summarise)`);
    return;
  }
  throw new CliError(HELP);
}
