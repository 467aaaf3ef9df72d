// `wren bench train`: one training step (forward + backward + global-norm clip + AdamW, float32)
// on random tokens for the stories260K shape (B 16, T 512) and the 15M shape with vocab 4096
// (B 32, T 256), at 1 and 2 threads. Prints the median over several steps after a warm-up step.
// Options: --backend wasm|native|reference (default auto), --steps N (timed steps, default 5),
// --case NAME (one case only), --profile (then one more run per case, every kernel call timed:
// one line per kernel and shape, slowest first, with its share of the step; bench/_kernel-times.ts).
import { PRESETS } from '../src/nn/presets.ts';
import { timeTrainSteps } from '../src/train/time-step.ts';
import { createTrainingBackend } from '../src/train/trainer.ts';
import type { Backend } from '../src/engine/backend.ts';
import { intFlag, parseFlags } from '../src/cli/args.ts';
import { KernelTimingBackend } from './_kernel-times.ts';
import { figureLine, machineLine, median, ranOn } from './_machine.ts';

const CASES = [
  { name: 'stories260K', config: PRESETS['stories260K'], B: 16, T: 512 },
  { name: '15M-v4096', config: PRESETS['stories15M-v4096'], B: 32, T: 256 },
];

export async function run(argv: string[]): Promise<void> {
  const { values } = parseFlags(argv, { backend: { type: 'string' }, steps: { type: 'string' }, case: { type: 'string' }, threads: { type: 'string', multiple: true }, profile: { type: 'boolean' } },
    'usage: wren bench train [--backend B] [--steps N] [--case NAME] [--threads N …] [--profile]');
  const steps = intFlag(values.steps, 'steps', 5, 1, 100);
  const threadList = (values.threads as string[] | undefined)?.map((t) => intFlag(t, 'threads', 1, 1, 16)) ?? [1, 2];
  console.log(machineLine());
  // One backend per thread count, disposed only at the end (memory is released between cases).
  const backends = new Map<number, Backend>();
  for (const threads of threadList) backends.set(threads, await createTrainingBackend((values.backend as 'wasm' | undefined) ?? 'auto', threads));
  for (const c of CASES.filter((c) => !values.case || c.name === values.case)) {
    for (const threads of threadList) {
      const backend = backends.get(threads)!;
      const t = timeTrainSteps(c.config, backend, c.B, c.T, steps);
      const ms = median(t.ms);
      console.log(figureLine({ case: c.name, threads, backend: backend.description, tokens_per_s: Math.round((c.B * c.T) / (ms / 1000)), ms_per_step: Math.round(ms), activation_mib: Math.round(t.activationBytes / 2 ** 20), loss: +t.loss.toFixed(3), steps }, ranOn(backend)));
      if (values.profile) profile(c, backend, steps);
    }
  }
  for (const b of backends.values()) b.dispose();
}

/** The kernels of a run of `steps` steps, by kernel and shape, per step. The run's own first step
 *  is counted too: the timed run just before it on this backend has warmed everything, so it
 *  costs what the others do. */
function profile(c: (typeof CASES)[number], backend: Backend, steps: number): void {
  const timed = new KernelTimingBackend(backend);
  const wall = timeTrainSteps(c.config, timed, c.B, c.T, steps);
  const stepMs = wall.ms.reduce((a, b) => a + b, 0) / steps;
  const perStep = (ms: number) => ms / (steps + 1);
  let kernelMs = 0;
  for (const t of timed.report()) {
    kernelMs += t.ms;
    console.log(figureLine({ profile: 'kernel', case: c.name, threads: backend.threads, kernel: t.kernel, ...(t.shape ? { shape: t.shape } : {}),
      ms_per_step: +perStep(t.ms).toFixed(2), calls_per_step: +(t.calls / (steps + 1)).toFixed(1), share: +(perStep(t.ms) / stepMs).toFixed(3),
      ...(t.flops ? { gflop_s: Math.round(t.flops / t.ms / 1e6) } : {}) }, ranOn(backend)));
  }
  console.log(figureLine({ profile: 'total', case: c.name, threads: backend.threads, ms_per_step: Math.round(stepMs), kernel_ms_per_step: Math.round(perStep(kernelMs)) }, ranOn(backend)));
}
