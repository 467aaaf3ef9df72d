// Prompt recipes: user-editable JSON that says what to ask a teacher for. Built-in recipes live
// beside this file (stories.json, instruct.json, textbook.json); `--recipe FILE` loads another.
//
// File format (JSON, format "wren-recipe", version 1):
//   name      recorded in every record's "recipe"; a run never mixes two names in one file
//   kind      "story" | "instruct" | "textbook"
//   prompt    the user message, with {placeholders}:
//               story/instruct: {verb} {noun} {adjective} required, {features} optional
//               textbook:       {topic} {audience} {style} required, {instructions} {exercises} optional
//   features  (story/instruct) { before, separator, after, phrases: {Dialogue: "...", ...} }:
//             the {features} text is before + phrases joined by separator + after, or "" if none
//   featureCountWeights  (story/instruct) probabilities of 0, 1, 2, 3… features a story
//   summaryPrompt        (instruct) asks for the one-sentence summary, with {story}
//   randomSentenceRate   (instruct) share of records that carry a "Random sentence:" line
//   domains   (textbook) { name: { weight, instructions, topics: [...] } }
//   audiences, styles (textbook) lists; exercises (textbook) a count
//   requiredMarkers, minChars (textbook) what a valid answer must contain
//   system, maxTokens, temperature (all, optional) passed to the teacher
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WrenError } from '../../errors.ts';
import { DEFAULT_FEATURE_PHRASES, isStoryFeature, STORY_FEATURES } from '../seeds/features.ts';

export type RecipeKind = 'story' | 'instruct' | 'textbook';
export type FeatureText = { before: string; separator: string; after: string; phrases: Record<string, string> };
export type TextbookDomain = { weight: number; instructions: string; topics: string[] };

export type Recipe = {
  name: string;
  kind: RecipeKind;
  source: string;
  prompt: string;
  system?: string;
  maxTokens: number;
  temperature: number;
  features: FeatureText;
  featureCountWeights: number[];
  summaryPrompt: string;
  randomSentenceRate: number;
  domains: Record<string, TextbookDomain>;
  audiences: string[];
  styles: string[];
  exercises: number;
  requiredMarkers: string[];
  minChars: number;
};

const REQUIRED: Record<RecipeKind, string[]> = {
  story: ['verb', 'noun', 'adjective'],
  instruct: ['verb', 'noun', 'adjective'],
  textbook: ['topic', 'audience', 'style'],
};
const OPTIONAL: Record<RecipeKind, string[]> = { story: ['features'], instruct: ['features'], textbook: ['instructions', 'exercises'] };

export const BUILTIN_RECIPES: Record<string, string> = {
  stories: fileURLToPath(new URL('./stories.json', import.meta.url)),
  instruct: fileURLToPath(new URL('./instruct.json', import.meta.url)),
  textbook: fileURLToPath(new URL('./textbook.json', import.meta.url)),
};

/** Placeholder names used in a template, in order of first use. */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]))];
}

/** Fills {name} placeholders; every placeholder must have a value. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{([a-z_]+)\}/g, (_whole, name: string) => {
    const v = values[name];
    if (v === undefined) throw new WrenError(`template placeholder {${name}} has no value`);
    return v;
  });
}

/** A built-in name (stories, instruct, textbook) or a path to a recipe JSON file. */
export function loadRecipe(nameOrPath: string): Recipe {
  const path = BUILTIN_RECIPES[nameOrPath] ?? nameOrPath;
  if (!existsSync(path)) {
    throw new WrenError(`recipe '${nameOrPath}' is neither a built-in recipe (${Object.keys(BUILTIN_RECIPES).join(', ')}) nor a file`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new WrenError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  return parseRecipe(raw, path);
}

export function parseRecipe(raw: unknown, source: string): Recipe {
  const o = (raw ?? {}) as Record<string, unknown>;
  const fail = (field: string, want: string): never => {
    throw new WrenError(`${source}: recipe field "${field}" ${want}`);
  };
  if (o.format !== 'wren-recipe') fail('format', 'must be "wren-recipe"');
  if (o.version !== 1) fail('version', `must be 1 (got ${JSON.stringify(o.version)})`);
  if (typeof o.name !== 'string' || !/^[\w.-]+$/.test(o.name)) fail('name', 'must be a name of letters, digits, "-", "_" or "."');
  if (o.kind !== 'story' && o.kind !== 'instruct' && o.kind !== 'textbook') fail('kind', 'must be "story", "instruct" or "textbook"');
  const kind = o.kind as RecipeKind;
  if (typeof o.prompt !== 'string' || o.prompt.trim() === '') fail('prompt', 'must be a non-empty string');
  const prompt = o.prompt as string;
  const used = placeholders(prompt);
  const missing = REQUIRED[kind].filter((p) => !used.includes(p));
  if (missing.length > 0) {
    fail('prompt', `must contain the seed placeholders ${REQUIRED[kind].map((p) => `{${p}}`).join(' ')}; missing ${missing.map((p) => `{${p}}`).join(' ')}`);
  }
  const unknown = used.filter((p) => !REQUIRED[kind].includes(p) && !OPTIONAL[kind].includes(p));
  if (unknown.length > 0) fail('prompt', `has unknown placeholders ${unknown.map((p) => `{${p}}`).join(' ')} (a ${kind} recipe knows ${[...REQUIRED[kind], ...OPTIONAL[kind]].map((p) => `{${p}}`).join(' ')})`);

  const num = (field: string, dflt: number, lo: number, hi: number): number => {
    const v = o[field] ?? dflt;
    if (typeof v !== 'number' || !(v >= lo && v <= hi)) fail(field, `must be a number in [${lo}, ${hi}]`);
    return v as number;
  };
  const strings = (field: string, required: boolean): string[] => {
    const v = o[field];
    if (v === undefined && !required) return [];
    if (!Array.isArray(v) || v.length === 0 || !v.every((s) => typeof s === 'string' && s.length > 0)) fail(field, 'must be a non-empty list of strings');
    return v as string[];
  };

  const f = (o.features ?? {}) as Record<string, unknown>;
  const phrases = { ...DEFAULT_FEATURE_PHRASES, ...((f.phrases ?? {}) as Record<string, string>) };
  for (const name of Object.keys(phrases)) if (!isStoryFeature(name)) fail('features.phrases', `names an unknown feature "${name}" (known: ${STORY_FEATURES.join(', ')})`);
  const features: FeatureText = {
    before: typeof f.before === 'string' ? f.before : ' The story has the following features: ',
    separator: typeof f.separator === 'string' ? f.separator : ', ',
    after: typeof f.after === 'string' ? f.after : '.',
    phrases,
  };
  const weights = (o.featureCountWeights ?? [0.2, 0.4, 0.3, 0.1]) as unknown;
  if (!Array.isArray(weights) || weights.length === 0 || weights.length > STORY_FEATURES.length + 1 || !weights.every((x) => typeof x === 'number' && x >= 0) || weights.reduce((a: number, b: number) => a + b, 0) <= 0) {
    fail('featureCountWeights', `must be a list of 1-${STORY_FEATURES.length + 1} non-negative numbers with a positive sum`);
  }

  const domains: Record<string, TextbookDomain> = {};
  if (kind === 'textbook') {
    const d = o.domains as Record<string, Record<string, unknown>> | undefined;
    if (!d || typeof d !== 'object' || Object.keys(d).length === 0) fail('domains', 'must name at least one domain with its topics');
    for (const [name, dom] of Object.entries(d as Record<string, Record<string, unknown>>)) {
      if (!Array.isArray(dom.topics) || dom.topics.length === 0) fail(`domains.${name}.topics`, 'must be a non-empty list of strings');
      domains[name] = { weight: typeof dom.weight === 'number' ? dom.weight : 1, instructions: typeof dom.instructions === 'string' ? dom.instructions : '', topics: dom.topics as string[] };
    }
  }
  let summaryPrompt = '';
  if (kind === 'instruct') {
    if (typeof o.summaryPrompt !== 'string' || !placeholders(o.summaryPrompt).includes('story')) fail('summaryPrompt', 'must be a string with the placeholder {story}');
    summaryPrompt = o.summaryPrompt as string;
  }
  return {
    name: o.name as string,
    kind,
    source,
    prompt,
    system: typeof o.system === 'string' ? o.system : undefined,
    maxTokens: num('maxTokens', kind === 'textbook' ? 1500 : 700, 1, 1_000_000),
    temperature: num('temperature', 1, 0, 2),
    features,
    featureCountWeights: weights as number[],
    summaryPrompt,
    randomSentenceRate: num('randomSentenceRate', 0.5, 0, 1),
    domains,
    audiences: kind === 'textbook' ? strings('audiences', true) : [],
    styles: kind === 'textbook' ? strings('styles', true) : [],
    exercises: num('exercises', 3, 1, 50),
    requiredMarkers: kind === 'textbook' ? strings('requiredMarkers', false) : [],
    minChars: num('minChars', 0, 0, 1_000_000),
  };
}
