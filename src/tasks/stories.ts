// `wren task stories`: TinyStories' GPT-Eval for story models. Each model continues each of the
// official evaluation prompts (../shared/data/tinystories/TinyStories_Evaluation_prompts.yaml: 44
// story beginnings that stop mid-sentence) greedily, by plain continuation from BOS, and a judge
// grades every completion with the GPT-Eval rubric (judge/rubrics.ts): grammar, creativity,
// consistency, plot (1–10) and an age group (A–F).
//   OUT/stories-NAME.jsonl model NAME's completions, appended one a prompt (resumable)
//   OUT/judge.jsonl       the judge's verdicts, cached by prompt hash (judge/run.ts)
//   OUT/stories.json, stories.md, stories.svg
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { createBackend } from '../engine/backend.ts';
import { WrenError } from '../errors.ts';
import { ensureWritableDir, writeFileAtomic } from '../formats/atomic.ts';
import { AppendLog, readLog } from '../formats/append-log.ts';
import { complete } from '../generate/generate.ts';
import type { Teacher } from '../llm/teacher.ts';
import { loadModel, loadTokenizerFor } from '../nn/load.ts';
import { runJudge, summarizeJudge, type JudgeItem, type JudgeSummary } from './judge/run.ts';
import { AGE_GROUPS, STORY_RUBRIC, storyPrompt } from './judge/rubrics.ts';
import { metricBarsSvg } from './report-svg.ts';

export type StoryModel = { name: string; path: string; tokenizer?: string };
export type StoryEvalOptions = {
  models: StoryModel[]; prompts: string; out: string; judge: Teacher;
  maxTokens?: number; attempts?: number; concurrency?: number; judgeMaxTokens?: number; threads?: number;
  log?: (line: string) => void;
};
type Story = { index: number; completion: string; finish: string };
export type StoryReport = { prompts: string; judge: string; rubric: string; asked: number; cached: number; max_tokens: number; systems: Record<string, JudgeSummary> };

export function readStoryPrompts(file: string): string[] {
  let raw: unknown;
  try { raw = parseYaml(readFileSync(file, 'utf8')); } catch (err) { throw new WrenError(`${file}: ${(err as Error).message}`); }
  if (!Array.isArray(raw) || raw.length === 0) throw new WrenError(`${file}: expected a YAML list of story beginnings`);
  raw.forEach((p, i) => { if (typeof p !== 'string' || !p.trim()) throw new WrenError(`${file}: entry ${i + 1} is not a non-empty string`); });
  return raw as string[];
}

async function writeStories(m: StoryModel, prompts: string[], file: string, maxTokens: number, threads: number | undefined, log: (s: string) => void): Promise<Story[]> {
  const done = readLog(file, 'line').records.map((b) => JSON.parse(b.toString('utf8')) as Story);
  if (done.length >= prompts.length) return done.slice(0, prompts.length);
  const backend = await createBackend({ threads });
  const out = AppendLog.open(file, 'line');
  try {
    const { model, files } = loadModel(m.path, backend);
    const tokPath = m.tokenizer ?? files.tokenizer;
    if (!tokPath) throw new WrenError(`${m.path}: no tokenizer beside the model; name one (NAME=PATH --tokenizer FILE)`);
    const tokenizer = loadTokenizerFor(tokPath, model.config);
    for (let i = done.length; i < prompts.length; i++) {
      const ids = tokenizer.encode(prompts[i], { bos: tokenizer.bosId !== undefined, special: 'text' });
      const room = model.config.max_position_embeddings - ids.length;
      if (room < 1) throw new WrenError(`story prompt ${i + 1} is ${ids.length} tokens, more than ${m.path}'s context`);
      const c = complete(model, tokenizer, ids, { maxTokens: Math.min(maxTokens, room), temperature: 0 });
      const s: Story = { index: i, completion: c.text, finish: c.finishReason };
      out.append(JSON.stringify(s));
      done.push(s);
      if ((i + 1) % 10 === 0 || i + 1 === prompts.length) log(`stories: ${m.name} ${i + 1}/${prompts.length}`);
    }
  } finally {
    out.close();
    backend.dispose();
  }
  return done;
}

export async function runStoryEval(o: StoryEvalOptions): Promise<StoryReport> {
  const log = o.log ?? (() => {});
  const out = resolve(o.out), maxTokens = o.maxTokens ?? 200;
  ensureWritableDir(out);
  const prompts = readStoryPrompts(o.prompts);
  const items: JudgeItem[] = [];
  for (const m of o.models) {
    const stories = await writeStories(m, prompts, join(out, `stories-${m.name.replace(/[^A-Za-z0-9_.-]/g, '_')}.jsonl`), maxTokens, o.threads, log);
    stories.forEach((s) => items.push({ system: m.name, line: s.index + 1, messages: storyPrompt(prompts[s.index], s.completion) }));
  }
  const run = await runJudge(items, o.judge, join(out, 'judge.jsonl'), {
    rubric: STORY_RUBRIC, maxTokens: o.judgeMaxTokens ?? 400, attempts: o.attempts ?? 3, concurrency: o.concurrency ?? 4,
    onRecord: (d, n) => { if (d % 10 === 0 || d === n) log(`judge: ${d}/${n} stories graded`); },
  });
  const systems = Object.fromEntries(o.models.map((m) => [m.name, summarizeJudge(items, run, m.name, STORY_RUBRIC)]));
  const report: StoryReport = { prompts: o.prompts, judge: o.judge.id, rubric: STORY_RUBRIC.name, asked: run.asked, cached: run.cached, max_tokens: maxTokens, systems };
  writeStoryReport(out, report, prompts.length);
  return report;
}

export const storyModelName = (spec: string): StoryModel => {
  const eq = spec.indexOf('=');
  return eq > 0 ? { name: spec.slice(0, eq), path: spec.slice(eq + 1) } : { name: basename(resolve(spec)), path: spec };
};

function writeStoryReport(dir: string, r: StoryReport, prompts: number): void {
  writeFileAtomic(join(dir, 'stories.json'), JSON.stringify(r, null, 2) + '\n');
  const cols = [...STORY_RUBRIC.criteria, 'overall'];
  const groups = Object.keys(AGE_GROUPS);
  const md = [
    '# GPT-Eval (TinyStories) of story models', '',
    `- prompts: ${r.prompts} (${prompts}), greedy, at most ${r.max_tokens} tokens a completion`,
    `- judge: \`${r.judge}\`; ${r.asked} completions asked this run, ${r.cached} from the cache (judge.jsonl)`, '',
    `| model | ${cols.join(' | ')} | scored | failed | ${groups.map((g) => `${g} (${AGE_GROUPS[g]})`).join(' | ')} |`,
    `| --- |${cols.map(() => ' ---: |').join('')} ---: | ---: |${groups.map(() => ' ---: |').join('')}`,
    ...Object.entries(r.systems).map(([name, s]) =>
      `| ${name} | ${cols.map((c) => (s.means[c] === undefined ? '–' : s.means[c].toFixed(2))).join(' | ')} | ${s.scored} | ${s.failed} | ${groups.map((g) => s.age_groups?.[g] ?? 0).join(' | ')} |`),
    '', 'Scores 1–10, means over the completions the judge scored; a completion without readable scores after every try is failed: left out of the means and listed here.', '',
    ...Object.entries(r.systems).flatMap(([name, s]) => s.failures.map((f) => `- ${name}, prompt ${f.line}: ${f.error}`)),
    '![GPT-Eval scores per model](stories.svg)', '',
  ].join('\n');
  writeFileAtomic(join(dir, 'stories.md'), md);
  const means = Object.fromEntries(Object.entries(r.systems).map(([n, s]) => [n, s.means]));
  writeFileAtomic(join(dir, 'stories.svg'), metricBarsSvg('GPT-Eval: grammar, creativity, consistency, plot (1–10)', means, cols));
}
