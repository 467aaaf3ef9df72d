// `wren eval --model DIR --data FILE_OR_DIR [--seq-len N] [--batch-size N] [--batches N] [--threads N] [--backend B]`
import { intFlag, parseFlags, requiredFlag } from './args.ts';
import { evaluateModel } from '../train/evaluate-model.ts';
import type { BackendName } from '../engine/backend.ts';

const HELP = `usage: wren eval --model DIR --data FILE_OR_DIR [--seq-len N] [--batch-size N] [--batches N] [--threads N] [--backend B]

Prints the model's loss per token (nats) and bits per byte on held-out data: a shard folder from
'wren tokenize' (its val split, in the trainer's windows) or a text/JSONL file, scored document by
document (split at <|endoftext|>; BOS + tokens in windows of the context; every token after BOS
predicted once; bits over the documents' UTF-8 bytes: docs/training.md). Bits per byte compare
models whose tokenizers differ.`;

export async function run(argv: string[]): Promise<void> {
  const { values } = parseFlags(argv, {
    model: { type: 'string' }, data: { type: 'string' }, 'seq-len': { type: 'string' }, 'batch-size': { type: 'string' },
    batches: { type: 'string' }, threads: { type: 'string' }, backend: { type: 'string' },
  }, HELP);
  const r = await evaluateModel({
    model: requiredFlag(values.model, 'model'), data: requiredFlag(values.data, 'data'),
    seqLen: values['seq-len'] ? intFlag(values['seq-len'], 'seq-len', 256, 1) : undefined,
    batchSize: intFlag(values['batch-size'], 'batch-size', 8, 1, 1024),
    batches: values.batches ? intFlag(values.batches, 'batches', 1, 1) : undefined,
    threads: values.threads ? intFlag(values.threads, 'threads', 1, 1, 16) : undefined,
    backend: values.backend as BackendName | undefined,
  });
  console.log(JSON.stringify({ loss_per_token: +r.lossPerToken.toFixed(5), bits_per_byte: +r.bitsPerByte.toFixed(5), tokens: r.tokens, split: r.split, ...(r.documents !== undefined ? { documents: r.documents, bytes: r.bytes } : {}) }));
}
