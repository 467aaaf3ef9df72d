// Timing whole training steps (forward + backward + global-norm clip + AdamW) on random tokens:
// `wren bench train` reports them, and the quickstart sizes its run to a time budget with them.
// Memory is allocated in the backend's arena and released before returning.
import type { Backend } from '../engine/backend.ts';
import type { LlamaConfig } from '../nn/config.ts';
import { initParameters } from '../nn/init.ts';
import { CausalLM } from '../nn/heads/causal-lm.ts';
import { SeededRng } from '../util/rng.ts';
import { AdamW, clipScale } from './optimizer.ts';

export type StepTiming = { ms: number[]; loss: number; activationBytes: number };

/** One warm-up step, then `steps` timed steps of batch B × T. */
export function timeTrainSteps(config: LlamaConfig, backend: Backend, B: number, T: number, steps: number, dropout = 0): StepTiming {
  const mark = backend.arena.mark();
  try {
    const model = new CausalLM(config, backend, B, T, dropout);
    initParameters(model.params, config, 1);
    const opt = new AdamW(backend, model.params, { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 });
    const rng = new SeededRng(7), batch = new Int32Array(B * (T + 1));
    const ms: number[] = [];
    let loss = 0;
    for (let s = 0; s <= steps; s++) {
      for (let i = 0; i < batch.length; i++) batch[i] = rng.below(config.vocab_size);
      const t0 = performance.now();
      model.zeroGrads();
      model.setBatch(batch);
      model.forward(1 / (B * T), s);
      model.backward();
      opt.update(model.grads, 1e-3, clipScale(opt.gradNorm(model.grads), 1));
      if (s > 0) ms.push(performance.now() - t0); // step 0 warms up
      loss = model.meanLoss();
    }
    return { ms, loss, activationBytes: model.tape.bytes };
  } finally {
    backend.arena.release(mark);
  }
}
