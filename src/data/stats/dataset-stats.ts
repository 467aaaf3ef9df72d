// `wren data stats`: what a synthetic dataset holds. Reads JSONL records ({"text", "seeds", …})
// and reports counts, a length histogram, seed and feature coverage, distinct-n, the
// near-duplicate rate (MinHash over word 5-grams) and the words outside the seed vocabulary.
// distinct-n and near-duplicates look at the first `sample` records (default 20,000) to keep
// memory bounded; everything else looks at all of them.
import { readLines } from '../../util/read-lines.ts';
import { WrenError } from '../../errors.ts';
import { fnv1a } from '../filter/hash.ts';
import { STORY_FEATURES } from '../seeds/features.ts';
import { defaultVocabulary, knownWordSet, wordForms, type Vocabulary } from '../seeds/vocabulary.ts';
import { containsWord } from '../synth/validate.ts';

export type DatasetStats = {
  file: string;
  records: number;
  byRecipe: Record<string, number>;
  byTeacher: Record<string, number>;
  words: { min: number; median: number; mean: number; max: number; histogram: { from: number; to: number | null; count: number }[] };
  seeds: { nouns: number; verbs: number; adjectives: number; vocabulary: { nouns: number; verbs: number; adjectives: number }; recordsUsingAllSeeds: number; storyRecords: number; textbookTopics: number };
  features: Record<string, number>;
  distinct: { sampled: number; n1: number; n2: number; n3: number; n4: number };
  nearDuplicates: { sampled: number; records: number; rate: number; exactDuplicates: number };
  outsideVocabulary: { tokens: number; outside: number; rate: number; distinct: number; top: [string, number][] };
};

const BUCKETS = [0, 50, 100, 150, 200, 250, 300, 400, 600, 1000];

export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[a-z]+(?:['’-][a-z]+)*/g) ?? [];
}

/** 32-bit FNV-1a of a string, its basis xored with `seed` (different seeds give independent hashes). */
const fnv = (s: string, seed: number): number => fnv1a(s, 0, s.length, 0x811c9dc5 ^ seed);
/** ~53-bit hash for counting distinct n-grams without keeping their text. */
function hash53(s: string): number {
  return fnv(s, 0) * 2097152 + (fnv(s, 0x9e3779b9) >>> 11);
}

const MINHASH = 64;
const BANDS = 16;
const ROWS = MINHASH / BANDS;
const NEAR = 0.8;

function minhash(words: string[]): Uint32Array | undefined {
  if (words.length < 5) return undefined;
  const sig = new Uint32Array(MINHASH).fill(0xffffffff);
  for (let i = 0; i + 5 <= words.length; i++) {
    const base = fnv(words.slice(i, i + 5).join(' '), 0);
    for (let k = 0; k < MINHASH; k++) {
      // h_k(x) = mix(base ^ k): cheap family of permutations
      let h = Math.imul(base ^ Math.imul(k + 1, 0x9e3779b1), 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35) >>> 0;
      if (h < sig[k]) sig[k] = h;
    }
  }
  return sig;
}

export async function datasetStats(file: string, opts: { sample?: number; vocabulary?: Vocabulary } = {}): Promise<DatasetStats> {
  const vocab = opts.vocabulary ?? defaultVocabulary();
  const sample = opts.sample ?? 20_000;
  const known = knownWordSet(vocab);
  const lengths: number[] = [];
  const byRecipe: Record<string, number> = {};
  const byTeacher: Record<string, number> = {};
  const features: Record<string, number> = Object.fromEntries(STORY_FEATURES.map((f) => [f, 0]));
  const nouns = new Set<string>(), verbs = new Set<string>(), adjectives = new Set<string>(), topics = new Set<string>();
  let storyRecords = 0, allSeeds = 0;
  const grams = [new Set<number>(), new Set<number>(), new Set<number>(), new Set<number>()];
  const totals = [0, 0, 0, 0];
  const buckets = new Map<string, number[]>();
  const exact = new Set<number>();
  let exactDup = 0;
  const nearDup = new Set<number>();
  const sigs = new Map<number, Uint32Array>();
  const outside = new Map<string, number>();
  let tokens = 0, outsideTokens = 0, records = 0;

  const rl = readLines(file);
  let lineNo = 0;
  try {
    for await (const line of rl) {
      lineNo++;
      if (line.trim() === '') continue;
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new WrenError(`${file}:${lineNo}: not valid JSON`);
      }
      if (typeof rec.text !== 'string') throw new WrenError(`${file}:${lineNo}: the record has no "text" string`);
      const id = records++;
      const text = rec.text;
      const body = typeof rec.story === 'string' ? rec.story : text;
      byRecipe[String(rec.recipe ?? '(none)')] = (byRecipe[String(rec.recipe ?? '(none)')] ?? 0) + 1;
      byTeacher[String(rec.teacher ?? '(none)')] = (byTeacher[String(rec.teacher ?? '(none)')] ?? 0) + 1;
      const words = wordsOf(body);
      lengths.push(words.length);
      const seeds = (rec.seeds ?? {}) as Record<string, unknown>;
      if (typeof seeds.noun === 'string' && typeof seeds.verb === 'string' && typeof seeds.adjective === 'string') {
        storyRecords++;
        nouns.add(seeds.noun);
        verbs.add(seeds.verb);
        adjectives.add(seeds.adjective);
        if (containsWord(body, wordForms(vocab, seeds.noun, 'noun')) && containsWord(body, wordForms(vocab, seeds.verb, 'verb')) && containsWord(body, [seeds.adjective])) allSeeds++;
        for (const f of Array.isArray(seeds.features) ? seeds.features : []) features[String(f)] = (features[String(f)] ?? 0) + 1;
      }
      if (typeof seeds.topic === 'string') topics.add(seeds.topic);
      for (const w of words) {
        tokens++;
        if (!known.has(w)) {
          outsideTokens++;
          outside.set(w, (outside.get(w) ?? 0) + 1);
        }
      }
      if (id < sample) {
        for (let n = 1; n <= 4; n++) {
          for (let i = 0; i + n <= words.length; i++) {
            grams[n - 1].add(hash53(words.slice(i, i + n).join(' ')));
            totals[n - 1]++;
          }
        }
        const whole = hash53(words.join(' '));
        if (exact.has(whole)) exactDup++;
        exact.add(whole);
        const sig = minhash(words);
        if (sig) {
          for (let b = 0; b < BANDS; b++) {
            const key = `${b}:${Array.from(sig.subarray(b * ROWS, (b + 1) * ROWS)).join(',')}`;
            const list = buckets.get(key);
            if (list) list.push(id);
            else buckets.set(key, [id]);
          }
          sigs.set(id, sig);
        }
      }
    }
  } finally {
    await rl.return(undefined);
  }
  // candidates share a band; near-duplicates agree on at least 80% of their signature
  for (const ids of buckets.values()) {
    if (ids.length < 2) continue;
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length && j < i + 50; j++) {
        const a = sigs.get(ids[i])!, b = sigs.get(ids[j])!;
        let same = 0;
        for (let k = 0; k < MINHASH; k++) if (a[k] === b[k]) same++;
        if (same / MINHASH >= NEAR) {
          nearDup.add(ids[i]);
          nearDup.add(ids[j]);
        }
      }
    }
  }
  sigs.clear();
  if (records === 0) throw new WrenError(`${file}: no records`);
  const sorted = [...lengths].sort((a, b) => a - b);
  const sampled = Math.min(records, sample);
  const ratio = (n: number) => (totals[n] === 0 ? 0 : grams[n].size / totals[n]);
  return {
    file, records, byRecipe, byTeacher,
    words: {
      min: sorted[0], median: sorted[sorted.length >> 1], mean: lengths.reduce((a, b) => a + b, 0) / records, max: sorted[sorted.length - 1],
      histogram: BUCKETS.map((from, i) => ({ from, to: BUCKETS[i + 1] ?? null, count: lengths.filter((l) => l >= from && (BUCKETS[i + 1] === undefined || l < BUCKETS[i + 1])).length })),
    },
    seeds: {
      nouns: nouns.size, verbs: verbs.size, adjectives: adjectives.size,
      vocabulary: { nouns: vocab.nouns.length, verbs: vocab.verbs.length, adjectives: vocab.adjectives.length },
      recordsUsingAllSeeds: allSeeds, storyRecords, textbookTopics: topics.size,
    },
    features,
    distinct: { sampled, n1: ratio(0), n2: ratio(1), n3: ratio(2), n4: ratio(3) },
    nearDuplicates: { sampled, records: nearDup.size, rate: nearDup.size / sampled, exactDuplicates: exactDup },
    outsideVocabulary: {
      tokens, outside: outsideTokens, rate: tokens === 0 ? 0 : outsideTokens / tokens, distinct: outside.size,
      top: [...outside.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 20),
    },
  };
}
export function formatStats(s: DatasetStats): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const maxCount = Math.max(...s.words.histogram.map((h) => h.count), 1);
  const hist = s.words.histogram.map((h) => `  ${String(h.from).padStart(4)}-${h.to === null ? '    ' : String(h.to - 1).padEnd(4)} ${String(h.count).padStart(8)} ${'#'.repeat(Math.round((h.count / maxCount) * 40))}`);
  const lines = [
    `${s.file}: ${s.records} records`,
    `recipes: ${Object.entries(s.byRecipe).map(([k, v]) => `${k} ${v}`).join(', ')}; teachers: ${Object.entries(s.byTeacher).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `words per record: min ${s.words.min}, median ${s.words.median}, mean ${s.words.mean.toFixed(1)}, max ${s.words.max}`,
    ...hist,
  ];
  if (s.seeds.storyRecords > 0) {
    const v = s.seeds.vocabulary;
    lines.push(
      `seed coverage: nouns ${s.seeds.nouns}/${v.nouns} (${pct(s.seeds.nouns / v.nouns)}), verbs ${s.seeds.verbs}/${v.verbs} (${pct(s.seeds.verbs / v.verbs)}), adjectives ${s.seeds.adjectives}/${v.adjectives} (${pct(s.seeds.adjectives / v.adjectives)})`,
      `records that use all three seed words: ${s.seeds.recordsUsingAllSeeds}/${s.seeds.storyRecords} (${pct(s.seeds.recordsUsingAllSeeds / s.seeds.storyRecords)})`,
      `features: ${Object.entries(s.features).map(([k, n]) => `${k} ${n} (${pct(n / s.seeds.storyRecords)})`).join(', ')}`,
    );
  }
  if (s.seeds.textbookTopics > 0) lines.push(`textbook topics: ${s.seeds.textbookTopics}`);
  lines.push(
    `distinct-n over ${s.distinct.sampled} records: 1: ${s.distinct.n1.toFixed(4)}  2: ${s.distinct.n2.toFixed(4)}  3: ${s.distinct.n3.toFixed(4)}  4: ${s.distinct.n4.toFixed(4)}`,
    `near-duplicates (MinHash, word 5-grams, Jaccard >= ${NEAR}) over ${s.nearDuplicates.sampled} records: ${s.nearDuplicates.records} (${pct(s.nearDuplicates.rate)}); exact duplicates ${s.nearDuplicates.exactDuplicates}`,
    `outside the seed vocabulary: ${s.outsideVocabulary.outside}/${s.outsideVocabulary.tokens} tokens (${pct(s.outsideVocabulary.rate)}), ${s.outsideVocabulary.distinct} distinct words; most common: ${s.outsideVocabulary.top.map(([w, n]) => `${w} ${n}`).join(', ')}`,
  );
  return lines.join('\n');
}
