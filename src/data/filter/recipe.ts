// Filter recipes: an ordered list of stages with their options, as a YAML or JSON file, or one of
// the built-ins (recipes/web.yaml, code.yaml, stories.yaml). Format:
//
//   name: my-web            # shown in reports
//   description: …
//   extends: web            # optional: a built-in name or a recipe file to start from
//   stages:                 # the full list (replaces the parent's), in order
//     - stage: gopher-quality      # a kind from registry.ts
//       name: quality              # optional instance name (default: the kind)
//       minWords: 80               # options; unknown keys are errors
//   set:                    # optional, with extends: option overrides by stage name
//     edu-value: { threshold: 3 }
//
// Every option is checked against the stage's defaults when the recipe loads, so a typo fails
// before any document is read.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { WrenError } from '../../errors.ts';
import { STAGE_FACTORIES } from './registry.ts';
import { resolveOptions, type FilterStage, type StageContext } from './stage.ts';

export interface RecipeStage {
  kind: string;
  name: string;
  /** Fully resolved options (defaults merged in). */
  options: Record<string, unknown>;
}

export interface Recipe {
  name: string;
  description: string;
  /** 'builtin:web' or the file's absolute path. */
  source: string;
  /** Relative paths inside stage options resolve against this. */
  baseDir: string;
  stages: RecipeStage[];
}

const builtinDir = fileURLToPath(new URL('./recipes/', import.meta.url));
export const BUILTIN_RECIPES = ['web', 'code', 'stories'];
const TOP_KEYS = ['name', 'description', 'extends', 'stages', 'set'];

function readRecipeFile(ref: string): { raw: unknown; source: string; baseDir: string } {
  const builtin = /^[a-z][a-z0-9-]*$/.test(ref) && existsSync(`${builtinDir}${ref}.yaml`);
  const path = builtin ? `${builtinDir}${ref}.yaml` : resolve(ref);
  if (!existsSync(path)) {
    throw new WrenError(`recipe '${ref}': no such file, and not a built-in recipe (built-ins: ${BUILTIN_RECIPES.join(', ')})`);
  }
  if (statSync(path).isDirectory()) throw new WrenError(`recipe '${ref}': ${path} is a folder, not a recipe file`);
  const text = readFileSync(path, 'utf8');
  let raw: unknown;
  try {
    raw = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new WrenError(`recipe ${path}: not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'} (${(err as Error).message})`);
  }
  return { raw, source: builtin ? `builtin:${ref}` : path, baseDir: builtin ? process.cwd() : dirname(path) };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function loadRecipe(ref: string, depth = 0): Recipe {
  if (depth > 8) throw new WrenError(`recipe '${ref}': 'extends' nests more than 8 deep (a cycle?)`);
  const { raw, source, baseDir } = readRecipeFile(ref);
  const where = `recipe ${source}`;
  if (!isObject(raw)) throw new WrenError(`${where}: expected a mapping with 'stages', got ${JSON.stringify(raw)?.slice(0, 60)}`);
  for (const key of Object.keys(raw)) {
    if (!TOP_KEYS.includes(key)) throw new WrenError(`${where}: unknown key '${key}'; known keys: ${TOP_KEYS.join(', ')}`);
  }
  let stages: RecipeStage[] = [];
  let parent: Recipe | undefined;
  if (raw.extends !== undefined) {
    if (typeof raw.extends !== 'string') throw new WrenError(`${where}: 'extends' must be a recipe name or file`);
    parent = loadRecipe(raw.extends.startsWith('.') ? resolve(baseDir, raw.extends) : raw.extends, depth + 1);
    stages = parent.stages.map((s) => ({ ...s, options: { ...s.options } }));
  }
  if (raw.stages !== undefined) {
    if (!Array.isArray(raw.stages)) throw new WrenError(`${where}: 'stages' must be a list`);
    stages = raw.stages.map((s, i) => parseStage(`${where}: stages[${i}]`, s));
  }
  if (stages.length === 0) throw new WrenError(`${where}: no stages (give 'stages' or 'extends')`);
  const names = new Set<string>();
  for (const s of stages) {
    if (names.has(s.name)) throw new WrenError(`${where}: two stages named '${s.name}'; give one a 'name'`);
    names.add(s.name);
  }
  if (raw.set !== undefined) {
    if (!isObject(raw.set)) throw new WrenError(`${where}: 'set' must map stage names to options`);
    for (const [name, opts] of Object.entries(raw.set)) {
      const s = stages.find((x) => x.name === name);
      if (!s) throw new WrenError(`${where}: set.${name}: no stage named '${name}' (stages: ${[...names].join(', ')})`);
      if (!isObject(opts)) throw new WrenError(`${where}: set.${name} must be a mapping of options`);
      s.options = resolveOptions(`${where}: set.${name} (${s.kind})`, s.options, opts);
    }
  }
  const name = typeof raw.name === 'string' ? raw.name : parent ? `${parent.name}+` : source.replace(/^.*[/:]/, '').replace(/\.\w+$/, '');
  const description = typeof raw.description === 'string' ? raw.description : parent?.description ?? '';
  return { name, description, source, baseDir, stages };
}

function parseStage(where: string, s: unknown): RecipeStage {
  if (!isObject(s)) throw new WrenError(`${where}: expected a mapping like {stage: gopher-quality, …}`);
  const { stage, name, ...opts } = s;
  if (typeof stage !== 'string') throw new WrenError(`${where}: missing 'stage' (one of ${Object.keys(STAGE_FACTORIES).join(', ')})`);
  const factory = STAGE_FACTORIES[stage];
  if (!factory) throw new WrenError(`${where}: unknown stage '${stage}'; known stages: ${Object.keys(STAGE_FACTORIES).join(', ')}`);
  if (name !== undefined && typeof name !== 'string') throw new WrenError(`${where}: 'name' must be a string`);
  const inst = name ?? stage;
  return { kind: stage, name: inst, options: resolveOptions(`${where} (${stage} '${inst}')`, factory.defaults as Record<string, unknown>, opts) };
}

export async function buildStages(recipe: Recipe, ctx: Omit<StageContext, 'baseDir'>): Promise<FilterStage[]> {
  const out: FilterStage[] = [];
  for (const s of recipe.stages) out.push(await STAGE_FACTORIES[s.kind].create(s.name, s.options, { ...ctx, baseDir: recipe.baseDir }));
  return out;
}

/** Adds (or replaces the eval sets of) a decontamination stage: the CLI's --eval flag. */
export function withEvalSets(recipe: Recipe, files: string[]): Recipe {
  if (files.length === 0) return recipe;
  const abs = files.map((f) => resolve(f));
  const stages = recipe.stages.map((s) => (s.kind === 'decontaminate' ? { ...s, options: { ...s.options, evalSets: abs } } : s));
  if (!stages.some((s) => s.kind === 'decontaminate')) {
    stages.push({ kind: 'decontaminate', name: 'decontaminate', options: { ...STAGE_FACTORIES.decontaminate.defaults, evalSets: abs } });
  }
  return { ...recipe, stages };
}
