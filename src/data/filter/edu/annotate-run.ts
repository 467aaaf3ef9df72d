// `wren filter annotate`: score documents with a teacher and append them to a labels file
// ({"key","id","score","reasoning","teacher","prompt","text"} a line; see annotator.ts), which
// `wren filter train-classifier --labels` reads. Resumable: documents already in the file are not
// asked again, so a killed run continues where it stopped. Up to `concurrency` requests in flight.
import type { Teacher } from '../../../llm/teacher.ts';
import { readInputs, type ReadOptions } from '../sources.ts';
import { EduAnnotator } from './annotator.ts';

export interface AnnotateOptions {
  inputs: string[];
  out: string;
  teacher: Teacher;
  prompt: string;
  limit: number;
  concurrency: number;
  maxChars: number;
  read?: Partial<ReadOptions>;
}

export interface AnnotateSummary {
  documents: number;
  requested: number;
  alreadyDone: number;
  unscored: number;
  histogram: number[];
}

export async function annotateDocuments(o: AnnotateOptions): Promise<AnnotateSummary> {
  const annotator = new EduAnnotator(o.teacher, { prompt: o.prompt, cacheFile: o.out, maxChars: o.maxChars, storeText: true, maxTokens: 300 });
  const summary: AnnotateSummary = { documents: 0, requested: 0, alreadyDone: 0, unscored: 0, histogram: new Array(6).fill(0) };
  const inFlight = new Set<Promise<void>>();
  let failure: unknown = null;
  try {
    for await (const item of readInputs(o.inputs, o.read)) {
      if (summary.documents >= o.limit || failure) break;
      if ('skip' in item) continue;
      summary.documents++;
      const { text, id } = item.doc;
      if (annotator.has(text)) summary.alreadyDone++;
      else summary.requested++;
      const p = annotator.annotate(text, id).then(
        (a) => {
          if (a.score === null) summary.unscored++;
          else summary.histogram[Math.round(a.score)]++;
        },
        (err) => { failure ??= err; },
      ).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= o.concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    await Promise.allSettled(inFlight); // answers in flight still land in the cache
    annotator.closeCache();
  }
  if (failure) throw failure;
  return summary;
}
