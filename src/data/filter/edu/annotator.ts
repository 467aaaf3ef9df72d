// The LLM annotator: asks a teacher (data/teachers) to score a document 0–5 with the FineWeb-Edu
// additive prompt (or the code variant) and parses "Educational score: N". Resumable like synth:
// every answer is appended to a JSONL cache as soon as it arrives, keyed by the text's hash and
// the prompt, so a killed run re-asks nothing it already paid for (an AppendLog of lines: a last
// line cut short by a crash is cut away on load). Replies without a score are cached too (asking again at
// temperature 0 gives the same reply); delete their lines to retry them.
//
// Cache / labels format (one JSON object a line):
//   {"key": md5(prompt name + text) hex, "id": doc id, "score": 0–5 | null, "reasoning": reply
//    text, "teacher": teacher id, "prompt": "web" | "code", "text": the document (labels only)}
// Rows with a score are valid `train-classifier --labels` input.
import { AppendLog, readLog } from '../../../formats/append-log.ts';
import { createHash } from 'node:crypto';
import { WrenError } from '../../../errors.ts';
import type { Teacher } from '../../../llm/teacher.ts';
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
  private log: AppendLog | undefined;
  requests = 0;
  cached = 0;

  constructor(private teacher: Teacher, private o: AnnotatorOptions) {
    const t = ANNOTATION_PROMPTS[o.prompt];
    if (!t) throw new WrenError(`annotator: unknown prompt '${o.prompt}'; known: ${Object.keys(ANNOTATION_PROMPTS).join(', ')}`);
    this.template = t;
    if (o.cacheFile) {
      readLog(o.cacheFile, 'line').records.forEach((bytes, i) => {
        const line = bytes.toString('utf8');
        if (!line.trim()) return;
        let a: Annotation;
        try {
          a = JSON.parse(line) as Annotation;
        } catch {
          throw new WrenError(`${o.cacheFile}:${i + 1}: not a JSON annotation; fix or delete that line`);
        }
        if (typeof a.key === 'string') this.cache.set(a.key, a);
      });
      // Opening cuts a line a killed run left half-written (that document is asked again).
      this.log = AppendLog.open(o.cacheFile, 'line');
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
      // A function, not a string: a page's own "$&" or "$'" would otherwise be replacement patterns.
      messages: [{ role: 'user', content: this.template.replace('{example}', () => extract) }],
      maxTokens: this.o.maxTokens,
      temperature: 0,
      seed: 0,
    });
    const a: Annotation = { key, id, score: parseEduScore(reply.text), reasoning: reply.text, teacher: this.teacher.id, prompt: this.o.prompt };
    if (this.o.storeText) a.text = text;
    this.cache.set(key, a);
    this.log?.append(JSON.stringify(a));
    return a;
  }

  /** Score for the edu-value stage; NaN when the reply had no parsable score. */
  async score(text: string, id: string): Promise<number> {
    const a = await this.annotate(text, id);
    return a.score ?? NaN;
  }

  /** Closes the cache file (the teacher stays open). */
  closeCache(): void {
    this.log?.close();
    this.log = undefined;
  }

  async close(): Promise<void> {
    this.closeCache();
    await this.teacher.close();
  }
}
