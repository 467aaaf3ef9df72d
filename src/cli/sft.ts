// `wren sft --model BASE --data FILE.jsonl [--val FILE] --out DIR [training flags]`
import { CliError, intFlag, numFlag, parseFlags, requiredFlag } from './args.ts';
import { readConfigFile, resolveModelFiles } from '../nn/load.ts';
import { runSft } from '../train/sft.ts';
import { trainingSession } from './train-progress.ts';

const HELP = `usage: wren sft --model BASE --data FILE.jsonl --out DIR [--val FILE.jsonl] [options]

Supervised fine-tuning: continues training the model folder BASE on conversations in the OpenAI
fine-tuning format ({"messages": [{"role": "system|user|assistant", "content": …}]} a line),
with the loss on the assistant's tokens only. The tokenizer gains the chat template's markers
(<|im_start|>, <|im_end|>) if it lacks them. Writes DIR/checkpoint/ (a model folder with its chat
template: 'wren generate --chat' and 'wren chat' use it) and DIR/metrics.jsonl. Ctrl-C saves a
checkpoint; --resume continues exactly.

options:
  --steps N                updates (default 300)
  --batch-size N           conversations per update (default 8)
  --seq-len N              window in tokens (default: the model's context)
  --lr R                   peak learning rate (default 5e-4), --min-lr R (default lr/10)
  --warmup-steps N         (default 20)
  --weight-decay R         (default 0.1)
  --dropout P              training noise on the embeddings and residual branches (default 0)
  --eval-interval N        updates between held-out evaluations (default 50)
  --checkpoint-interval N  (default 100)
  --seed S                 (default 1)
  --skip-bad               skip bad records (reported) instead of stopping at the first
  --resume                 continue the run in DIR
  --threads N, --backend native|wasm|reference`;

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, {
    model: { type: 'string' }, data: { type: 'string' }, val: { type: 'string' }, out: { type: 'string' },
    steps: { type: 'string' }, 'batch-size': { type: 'string' }, 'seq-len': { type: 'string' }, lr: { type: 'string' }, 'min-lr': { type: 'string' },
    'warmup-steps': { type: 'string' }, 'weight-decay': { type: 'string' }, 'eval-interval': { type: 'string' }, 'checkpoint-interval': { type: 'string' },
    seed: { type: 'string' }, dropout: { type: 'string' }, 'skip-bad': { type: 'boolean' }, resume: { type: 'boolean' }, threads: { type: 'string' }, backend: { type: 'string' },
  }, HELP);
  const backend = v.backend as 'native' | 'wasm' | 'reference' | undefined;
  if (backend && !['native', 'wasm', 'reference'].includes(backend)) throw new CliError(`--backend must be native, wasm or reference, got '${backend}'`);
  const lr = numFlag(v.lr, 'lr', 5e-4, 1e-8, 1);
  const model = requiredFlag(v.model, 'model');
  const files = resolveModelFiles(model);
  const context = files.config ? readConfigFile(files.config).max_position_embeddings : 256;
  const session = trainingSession();
  try {
    const r = await runSft({
      model, data: requiredFlag(v.data, 'data'), val: v.val as string | undefined, out: requiredFlag(v.out, 'out'),
      batchSize: intFlag(v['batch-size'], 'batch-size', 8, 1, 1024), seqLen: intFlag(v['seq-len'], 'seq-len', context, 8, context),
      settings: {
        steps: intFlag(v.steps, 'steps', 300, 1), grad_accum: 1, lr, min_lr: numFlag(v['min-lr'], 'min-lr', lr / 10, 0, 1),
        warmup_steps: intFlag(v['warmup-steps'], 'warmup-steps', 20, 0), weight_decay: numFlag(v['weight-decay'], 'weight-decay', 0.1, 0, 10),
        beta1: 0.9, beta2: 0.95, eps: 1e-8, grad_clip: 1, eval_interval: intFlag(v['eval-interval'], 'eval-interval', 50, 0),
        checkpoint_interval: intFlag(v['checkpoint-interval'], 'checkpoint-interval', 100, 0), seed: intFlag(v.seed, 'seed', 1, 0),
      },
      skipBad: v['skip-bad'] === true, resume: v.resume === true, backend, dropout: numFlag(v.dropout, 'dropout', 0, 0, 0.9),
      threads: v.threads ? intFlag(v.threads, 'threads', 1, 1, 16) : undefined,
      signal: session.signal, onProgress: session.show,
      onData: (train, val) => {
        process.stderr.write(`${train.examples.length} conversations to train on${val ? `, ${val.examples.length} held out` : ''}\n`);
        for (const s of [...train.skipped, ...(val?.skipped ?? [])]) process.stderr.write(`skipped ${s.where}: ${s.reason}\n`);
      },
    });
    session.done();
    console.log(`${r.interrupted ? 'stopped' : 'done'} at step ${r.step} (${r.tokens.toLocaleString()} tokens): train loss ${r.loss.toFixed(4)}` +
      `${r.valLoss !== null ? `, held-out loss ${r.valLoss.toFixed(4)}` : ''}; model in ${r.checkpoint}`);
  } finally {
    session.done();
  }
}
