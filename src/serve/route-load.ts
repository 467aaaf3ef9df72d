// `wren serve`'s routing flags → a Routing (route-chat.ts), or nothing when none are given.
//   --small DIR (served like --model) --large openai:MODEL|URL --router DIR
//   [--threshold T | --strong-share S [--calibrate-on FILE]] [--cost small=P,large=P]
//   [--large-model NAME] [--large-timeout S] [--no-fallback]
// --strong-share recalibrates at start on FILE, or on the prompts the router was calibrated on.
import { WrenError } from '../errors.ts';
import { thresholdForShare } from '../router/calibrate.ts';
import { loadRouter } from '../router/load.ts';
import { checkThreshold } from '../router/router-file.ts';
import { readPrompts } from '../router/routing-data.ts';
import { Routing } from './route-chat.ts';
import { openLargeModel } from './route-large.ts';
import type { RouteCosts } from './route-metrics.ts';
import type { ServedModel } from './served-model.ts';

export type RoutingFlags = {
  small?: string; large?: string; router?: string; threshold?: string; strongShare?: string; calibrateOn?: string;
  cost?: string; largeModel?: string; largeTimeout?: string; noFallback?: boolean;
};

export function parseCosts(spec: string): RouteCosts {
  const costs: RouteCosts = { small: 0, large: 0 };
  for (const part of spec.split(',')) {
    const m = /^\s*(small|large)\s*=\s*([0-9.eE+-]+)\s*$/.exec(part);
    const price = Number(m?.[2]);
    if (!m || !Number.isFinite(price) || price < 0) throw new WrenError(`--cost: expected small=PRICE,large=PRICE (US dollars per million tokens), got '${part}'`);
    costs[m[1] as 'small' | 'large'] = price;
  }
  return costs;
}

export async function loadRouting(f: RoutingFlags, small: ServedModel | undefined): Promise<Routing | undefined> {
  const given = [f.small && '--small', f.large && '--large', f.router && '--router'].filter(Boolean);
  if (given.length === 0) {
    if (f.threshold ?? f.strongShare ?? f.cost) throw new WrenError('--threshold, --strong-share and --cost are routing flags: add --small, --large and --router');
    return undefined;
  }
  if (given.length < 3 || !small) throw new WrenError(`routing needs --small DIR, --large openai:MODEL|URL and --router DIR together (got only ${given.join(', ')})`);
  if (f.threshold !== undefined && f.strongShare !== undefined) throw new WrenError('give --threshold or --strong-share, not both');
  const { router, manifest, dir } = await loadRouter(f.router!);
  try {
    let threshold = manifest.threshold;
    if (f.threshold !== undefined) threshold = checkThreshold(Number(f.threshold), '--threshold');
    if (f.strongShare !== undefined) {
      const share = Number(f.strongShare);
      if (!(share >= 0 && share <= 1)) throw new WrenError(`--strong-share must be a number in [0, 1], got '${f.strongShare}'`);
      const file = f.calibrateOn ?? manifest.calibration?.prompts;
      if (!file) throw new WrenError(`--strong-share needs prompts to calibrate on: --calibrate-on FILE (${dir} was never calibrated)`);
      threshold = thresholdForShare(await router.scoreAll(readPrompts(file)), share);
    }
    const timeout = f.largeTimeout === undefined ? 60 : Number(f.largeTimeout);
    if (!(timeout > 0 && timeout <= 3600)) throw new WrenError(`--large-timeout must be seconds in (0, 3600], got '${f.largeTimeout}'`);
    const large = await openLargeModel(f.large!, { model: f.largeModel, timeoutMs: timeout * 1000 });
    return new Routing({ router, threshold, small, large, costs: f.cost ? parseCosts(f.cost) : undefined, fallback: !f.noFallback });
  } catch (err) {
    await router.close();
    throw err;
  }
}
