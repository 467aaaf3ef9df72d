// Decontamination: drops documents that share any word 13-gram (GPT-3's choice; configurable)
// with an evaluation set, so benchmark text cannot leak into training data. Eval files may be
// JSONL, JSON, YAML (every string value counts) or plain text. N-grams are lower-cased,
// punctuation-free and compared as 64-bit hashes.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { WrenError } from '../../../errors.ts';
import { KEEP, drop, type FilterDoc, type StageVerdict } from '../document.ts';
import { combine, fmix32, U64Set } from '../hash.ts';
import { checkRange, type FilterStage, type StageFactory } from '../stage.ts';
import { hashWords } from '../words.ts';

export interface DecontaminateOptions {
  evalSets: string[];
  ngram: number;
}

function collectStrings(v: unknown, out: string[]): void {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) collectStrings(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) collectStrings(x, out);
}

/** Every text in an eval file, by extension. */
export function readEvalTexts(path: string): string[] {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (err) {
    throw new WrenError(`eval set ${path}: cannot read (${(err as Error).message})`);
  }
  const out: string[] = [];
  try {
    if (/\.jsonl$/i.test(path)) raw.split('\n').forEach((l) => l.trim() && collectStrings(JSON.parse(l), out));
    else if (/\.json$/i.test(path)) collectStrings(JSON.parse(raw), out);
    else if (/\.ya?ml$/i.test(path)) collectStrings(parseYaml(raw), out);
    else out.push(raw);
  } catch (err) {
    throw new WrenError(`eval set ${path}: not valid for its extension (${(err as Error).message})`);
  }
  return out;
}

/** Calls `fn(hi, lo, wordIndex)` for every n-gram of the text's words. */
export function forEachNgram(text: string, n: number, fn: (hi: number, lo: number, at: number) => boolean | void): void {
  const w = hashWords(text.toLowerCase(), true);
  for (let i = 0; i + n <= w.count; i++) {
    let hi = 0x3c6ef372, lo = 0xa54ff53a;
    for (let j = 0; j < n; j++) {
      hi = combine(hi, w.hash[i + j]);
      lo = combine(lo, fmix32(w.hash[i + j] ^ 0x68e31da4));
    }
    if (fn(hi, lo, i) === true) return;
  }
}

class DecontaminateStage implements FilterStage {
  readonly kind = 'decontaminate';
  constructor(readonly name: string, private n: number, private grams: U64Set, private sources: string) {}

  apply(doc: FilterDoc): StageVerdict {
    if (this.grams.size === 0) return KEEP;
    let hitAt = -1;
    forEachNgram(doc.text, this.n, (hi, lo, at) => {
      if (this.grams.has(hi, lo)) { hitAt = at; return true; }
    });
    if (hitAt < 0) return KEEP;
    const words = doc.text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    return drop('eval_overlap', `shares a ${this.n}-gram with ${this.sources}: "${words.slice(hitAt, hitAt + this.n).join(' ')}"`);
  }
}

export const decontaminateStage: StageFactory<DecontaminateOptions> = {
  kind: 'decontaminate',
  summary: 'drops documents sharing a word n-gram (13 by default) with the given evaluation sets',
  defaults: { evalSets: [], ngram: 13 },
  create(name, o, ctx) {
    checkRange(`stage '${name}'`, 'ngram', o.ngram, 3, 100);
    const grams = new U64Set();
    const files = o.evalSets.map((p) => resolve(ctx.baseDir, p));
    for (const file of files) {
      for (const text of readEvalTexts(file)) forEachNgram(text, o.ngram, (hi, lo) => void grams.add(hi, lo, false));
    }
    if (files.length > 0 && grams.size === 0) {
      throw new WrenError(`stage '${name}': the eval sets ${o.evalSets.join(', ')} hold no text of ${o.ngram} or more words`);
    }
    return new DecontaminateStage(name, o.ngram, grams, o.evalSets.map((p) => p.split('/').pop()).join(', ') || 'eval sets');
  },
};
