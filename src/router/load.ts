// A router folder → a Router of its policy, with its manifest (threshold, calibration).
// The llm policy's client comes from the manifest's "client" spec (any src/llm client, e.g.
// openai:gpt-4o-mini) and "baseUrl"; keys are read from the environment, never stored.
import { createTeacher, type TeacherOptions } from '../llm/create.ts';
import { ClassifierRouter } from './policies/classifier.ts';
import { HeuristicRouter } from './policies/heuristic.ts';
import { LinearRouter } from './policies/linear.ts';
import { LlmRouter } from './policies/llm.ts';
import { RandomRouter } from './policies/random.ts';
import { readRouterManifest, type RouterManifest } from './router-file.ts';
import type { Router } from './router.ts';
import { WrenError } from '../errors.ts';

export type LoadedRouter = { router: Router; manifest: RouterManifest; dir: string };

export async function loadRouter(dir: string, client: TeacherOptions = {}): Promise<LoadedRouter> {
  const manifest = readRouterManifest(dir);
  return { router: await openPolicy(dir, manifest, client), manifest, dir };
}

async function openPolicy(dir: string, m: RouterManifest, client: TeacherOptions): Promise<Router> {
  switch (m.policy) {
    case 'classifier': return ClassifierRouter.load(dir);
    case 'linear': return LinearRouter.load(dir);
    case 'heuristic': return new HeuristicRouter();
    case 'random': return new RandomRouter(m.seed ?? 0);
    case 'llm': {
      if (typeof m.client !== 'string') throw new WrenError(`${dir}/router.json: the llm policy needs "client" (e.g. "openai:gpt-4o-mini")`);
      const limits = { concurrency: m.limits?.concurrency ?? 8, rpm: m.limits?.rpm, tpm: m.limits?.tpm };
      const teacher = await createTeacher(m.client, { baseUrl: m.baseUrl, limits, ...client });
      return new LlmRouter(teacher, LlmRouter.cacheFile(dir));
    }
  }
}
