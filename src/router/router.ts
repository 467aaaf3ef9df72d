// The one interface every routing policy implements (RouteLLM's `calculate_strong_win_rate`):
// a router reads only the prompt and says how likely it is that the strong (large, expensive)
// model is needed. A request goes to the strong model when score ≥ threshold, as RouteLLM's
// `route` does; the threshold is stored with the router (router.json) and set by calibration.
export const ROUTER_POLICIES = ['classifier', 'linear', 'heuristic', 'random', 'llm'] as const;
export type RouterPolicy = (typeof ROUTER_POLICIES)[number];

export interface Router {
  readonly policy: RouterPolicy;
  /** P(strong model needed) for each prompt, in [0, 1]; batched where the policy can batch. */
  scoreAll(prompts: string[]): Promise<number[]>;
  close(): Promise<void>;
}

export type RouteChoice = 'strong' | 'weak';

/** RouteLLM's rule: the strong model when the score reaches the threshold. */
export function routeFor(score: number, threshold: number): RouteChoice {
  return score >= threshold ? 'strong' : 'weak';
}

export async function scoreOne(router: Router, prompt: string): Promise<number> {
  return (await router.scoreAll([prompt]))[0];
}

export function isRouterPolicy(s: string): s is RouterPolicy {
  return (ROUTER_POLICIES as readonly string[]).includes(s);
}
