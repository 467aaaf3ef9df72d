// The LLM annotator: asks a teacher (data/teachers) to score a document 0–5 with the FineWeb-Edu
// additive prompt (or the code variant) and parses "Educational score: N". Resumable like synth:
// every answer is appended to a JSONL cache as soon as it arrives, keyed by the text's hash and
// the prompt, so a killed run re-asks nothing it already paid for. A last line cut short by a
// crash is truncated away on load. Replies without a score are cached too (asking again at
// temperature 0 gives the same reply); delete their lines to retry them.
//
// Cache / labels format (one JSON object a line):
//   {"key": md5(prompt name + text) hex, "id": doc id, "score": 0–5 | null, "reasoning": reply
//    text, "teacher": teacher id, "prompt": "web" | "code", "text": the document (labels only)}
// Rows with a score are valid `train-classifier --labels` input.
import { appendFileSync, existsSync, readFileSync, truncateSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { WrenError } from '../../../errors.ts';
import type { Teacher } from '../../teachers/teacher.ts';
import { ANNOTATION_PROMPTS, parseEduScore } from './prompts.ts';
import type { EduScorer } from './scorer.ts';

export interface AnnotatorOptions {
  prompt: string;
  /** JSONL cache file; '' keeps answers in memory only. */
  cacheFile: string;
  /** Documents are cut to this many characters before prompting (long pages cost tokens). */
  maxChars: number;
  /** Store the document text in the cache, making it a labels file for train-classifier. */
  storeText: boolean;
  maxTokens: number;
}

export interface Annotation {
  key: string;
  id: string;
  score: number | null;
  reasoning: string;
  teacher: string;
  prompt: string;
  text?: string;
}

export class EduAnnotator implements EduScorer {
  readonly kind = 'annotator';
  private cache = new Map<string, Annotation>();
  private template: string;
  requests = 0;
  cached = 0;

  constructor(private teacher: Teacher, private o: AnnotatorOptions) {
    const t = ANNOTATION_PROMPTS[o.prompt];
    if (!t) throw new WrenError(`annotator: unknown prompt '${o.prompt}'; known: ${Object.keys(ANNOTATION_PROMPTS).join(', ')}`);
    this.template = t;
    if (o.cacheFile && existsSync(o.cacheFile)) {
      const raw = readFileSync(o.cacheFile, 'utf8');
      // A line cut short by a crash would swallow the next append: drop it now (it is re-asked).
      if (raw.length > 0 && !raw.endsWith('\n')) truncateSync(o.cacheFile, Buffer.byteLength(raw.slice(0, raw.lastIndexOf('\n') + 1)));
      for (const line of raw.split('\n')) {
        if (!line.trim()) continue;
        try {
          const a = JSON.parse(line) as Annotation;
          if (typeof a.key === 'string') this.cache.set(a.key, a);
        } catch {
          // the cut line dropped above
        }
      }
    }
  }

  keyOf(text: string): string {
    return createHash('md5').update(this.o.prompt).update('\0').update(text).digest('hex');
  }

  has(text: string): boolean {
    return this.cache.has(this.keyOf(text));
  }

  /** The full annotation for a document, from the cache or the teacher. */
  async annotate(text: string, id: string): Promise<Annotation> {
    const key = this.keyOf(text);
    const hit = this.cache.get(key);
    if (hit) { this.cached++; return hit; }
    const extract = text.length > this.o.maxChars ? text.slice(0, this.o.maxChars) : text;
    this.requests++;
    const reply = await this.teacher.complete({
      messages: [{ role: 'user', content: this.template.replace('{example}', extract) }],
      maxTokens: this.o.maxTokens,
      temperature: 0,
      seed: 0,
    });
    const a: Annotation = { key, id, score: parseEduScore(reply.text), reasoning: reply.text, teacher: this.teacher.id, prompt: this.o.prompt };
    if (this.o.storeText) a.text = text;
    this.cache.set(key, a);
    if (this.o.cacheFile) appendFileSync(this.o.cacheFile, JSON.stringify(a) + '\n');
    return a;
  }

  /** Score for the edu-value stage; NaN when the reply had no parsable score. */
  async score(text: string, id: string): Promise<number> {
    const a = await this.annotate(text, id);
    return a.score ?? NaN;
  }

  async close(): Promise<void> {
    await this.teacher.close();
  }
}
