// Exact dedup (64-bit content hash) and MinHash-LSH near-dedup, streaming: the first document of a
// cluster is kept, later ones drop. A near-duplicate's band keys are added too, so clusters grow
// transitively as union-find would (FineWeb keeps one document per cluster). Both index only
// 64-bit keys, logged at checkpoints so a resumed run sees the same index.
import { KEEP, drop, type FilterDoc, type StageVerdict } from '../document.ts';
import { contentHash64, U64Set } from '../hash.ts';
import { MinHasher } from '../minhash.ts';
import { checkRange, type FilterStage, type StageFactory } from '../stage.ts';

export interface ExactDedupOptions {
  /** Compare after lower-casing and collapsing whitespace. */
  normalizeText: boolean;
}

class ExactDedupStage implements FilterStage {
  readonly kind = 'exact-dedup';
  private seen = new U64Set();
  readonly keySets = [this.seen];
  constructor(readonly name: string, private o: ExactDedupOptions) {}

  apply(doc: FilterDoc): StageVerdict {
    const t = this.o.normalizeText ? doc.text.toLowerCase().replace(/\s+/g, ' ').trim() : doc.text;
    const [hi, lo] = contentHash64(t);
    return this.seen.add(hi, lo) ? KEEP : drop('exact_duplicate');
  }
}

export const exactDedupStage: StageFactory<ExactDedupOptions> = {
  kind: 'exact-dedup',
  summary: 'drops documents whose (normalised) text was seen before',
  defaults: { normalizeText: false },
  create: (name, o) => new ExactDedupStage(name, o),
};

export interface MinHashDedupOptions {
  shingleWords: number;
  bands: number;
  rows: number;
  seed: number;
}

const NAMED = 10_000;

class MinHashDedupStage implements FilterStage {
  readonly kind = 'minhash-dedup';
  private index = new U64Set(1 << 16);
  readonly keySets = [this.index];
  private hasher: MinHasher;
  private keys: Uint32Array;
  constructor(readonly name: string, o: MinHashDedupOptions) {
    this.hasher = new MinHasher({ shingleWords: o.shingleWords, bands: o.bands, rows: o.rows, seed: o.seed });
    this.keys = new Uint32Array(o.bands * 2);
  }

  // For the report only: which document first claimed a band key, for the first NAMED documents
  // this process saw (bounded memory; after a resume older documents are unnamed).
  private firstClaim = new Map<number, number>();
  private names: string[] = [];

  apply(doc: FilterDoc): StageVerdict {
    const sig = this.hasher.signature(doc.text);
    if (!sig) return KEEP;
    const keys = this.hasher.bandKeys(sig, this.keys);
    let hitBand = -1, hitKey = 0;
    const nameIt = this.names.length < NAMED;
    for (let b = 0; b < keys.length; b += 2) {
      if (!this.index.add(keys[b], keys[b + 1])) {
        if (hitBand < 0) { hitBand = b >> 1; hitKey = keys[b] ^ keys[b + 1]; }
      } else if (nameIt) this.firstClaim.set(keys[b] ^ keys[b + 1], this.names.length);
    }
    if (nameIt) this.names.push(doc.id);
    if (hitBand < 0) return KEEP;
    const first = this.firstClaim.get(hitKey);
    return drop('near_duplicate', `shares LSH band ${hitBand} with ${first === undefined ? 'an earlier document' : `'${this.names[first]}'`}`);
  }
}

export const minhashDedupStage: StageFactory<MinHashDedupOptions> = {
  kind: 'minhash-dedup',
  summary: 'MinHash-LSH near-dedup (FineWeb defaults: 5-word shingles, 14 bands × 8 rows); one document per cluster',
  defaults: { shingleWords: 5, bands: 14, rows: 8, seed: 1 },
  create(name, o) {
    const where = `stage '${name}'`;
    checkRange(where, 'shingleWords', o.shingleWords, 1, 64);
    checkRange(where, 'bands', o.bands, 1, 1024);
    checkRange(where, 'rows', o.rows, 1, 1024);
    return new MinHashDedupStage(name, o);
  },
};
