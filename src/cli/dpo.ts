// `wren dpo --model SFT_DIR --data pairs.jsonl [--val FILE] --out DIR [options]`
import { CliError, intFlag, numFlag, parseFlags, requiredFlag } from './args.ts';
import { readConfigFile, resolveModelFiles } from '../nn/load.ts';
import { runDpo, type PreferenceMetrics } from '../train/dpo.ts';
import { trainingSession } from './train-progress.ts';

const HELP = `usage: wren dpo --model SFT_DIR --data PAIRS.jsonl --out DIR [--val PAIRS.jsonl] [options]

Direct preference optimisation from a model folder with a chat template (from 'wren sft'), on
pairs {"prompt" | "messages", "chosen", "rejected"} a line. The starting model's log-probabilities
are the frozen reference (computed once, kept in DIR/reference-logps.json). Reports the held-out
loss, reward accuracy and margin before and after. Ctrl-C saves a checkpoint; --resume continues.

options:
  --beta B                 strength of the pull towards the reference (default 0.1)
  --steps N                updates (default 200)
  --pairs-per-batch N      (default 4)
  --seq-len N              window in tokens (default: the model's context)
  --lr R                   peak learning rate (default 5e-5), --warmup-steps N (default 10)
  --eval-interval N        (default 50), --checkpoint-interval N (default 100), --seed S (default 1)
  --skip-bad, --resume, --threads N, --backend native|wasm|reference`;

const show = (m: PreferenceMetrics | null) => (m ? `loss ${m.loss.toFixed(4)}, reward accuracy ${(100 * m.accuracy).toFixed(1)}%, margin ${m.margin.toFixed(3)} (${m.pairs} pairs)` : '-');

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, {
    model: { type: 'string' }, data: { type: 'string' }, val: { type: 'string' }, out: { type: 'string' }, beta: { type: 'string' },
    steps: { type: 'string' }, 'pairs-per-batch': { type: 'string' }, 'seq-len': { type: 'string' }, lr: { type: 'string' },
    'warmup-steps': { type: 'string' }, 'eval-interval': { type: 'string' }, 'checkpoint-interval': { type: 'string' }, seed: { type: 'string' },
    'skip-bad': { type: 'boolean' }, resume: { type: 'boolean' }, threads: { type: 'string' }, backend: { type: 'string' },
  }, HELP);
  const backend = v.backend as 'native' | 'wasm' | 'reference' | undefined;
  if (backend && !['native', 'wasm', 'reference'].includes(backend)) throw new CliError(`--backend must be native, wasm or reference, got '${backend}'`);
  const model = requiredFlag(v.model, 'model'), files = resolveModelFiles(model);
  const context = files.config ? readConfigFile(files.config).max_position_embeddings : 256;
  const lr = numFlag(v.lr, 'lr', 5e-5, 1e-9, 1);
  const session = trainingSession();
  try {
    const r = await runDpo({
      model, data: requiredFlag(v.data, 'data'), val: v.val as string | undefined, out: requiredFlag(v.out, 'out'),
      beta: numFlag(v.beta, 'beta', 0.1, 1e-6, 100), pairsPerBatch: intFlag(v['pairs-per-batch'], 'pairs-per-batch', 4, 1, 512),
      seqLen: intFlag(v['seq-len'], 'seq-len', context, 8, context),
      settings: {
        steps: intFlag(v.steps, 'steps', 200, 1), grad_accum: 1, lr, min_lr: lr / 10, warmup_steps: intFlag(v['warmup-steps'], 'warmup-steps', 10, 0),
        weight_decay: 0, beta1: 0.9, beta2: 0.95, eps: 1e-8, grad_clip: 1, eval_interval: intFlag(v['eval-interval'], 'eval-interval', 50, 0),
        checkpoint_interval: intFlag(v['checkpoint-interval'], 'checkpoint-interval', 100, 0), seed: intFlag(v.seed, 'seed', 1, 0),
      },
      skipBad: v['skip-bad'] === true, resume: v.resume === true, backend, threads: v.threads ? intFlag(v.threads, 'threads', 1, 1, 16) : undefined,
      signal: session.signal, onProgress: session.show,
    });
    session.done();
    console.log(`held-out before: ${show(r.before)}`);
    console.log(`held-out after:  ${show(r.after)}`);
    console.log(`${r.interrupted ? 'stopped' : 'done'} at step ${r.step}: train loss ${r.loss.toFixed(4)}; model in ${r.checkpoint}`);
  } finally {
    session.done();
  }
}
