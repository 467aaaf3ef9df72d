// `wren tokenize --tokenizer PATH --in FILE… --out DIR [--val-fraction F] [--seed S] [--shard-tokens N] [--force]`
import { CliError, intFlag, numFlag, parseFlags, requiredFlag } from './args.ts';
import { tokenizeToShards } from '../train/tokenize.ts';

const HELP = `usage: wren tokenize --tokenizer PATH --in FILE… --out DIR [--val-fraction F] [--seed S] [--shard-tokens N] [--force]

Turns text into token shards for 'wren train'. Inputs are plain text, with documents separated by
<|endoftext|> (as in the TinyStories files), or JSONL with a 'text' field (.jsonl). A share of the
documents (--val-fraction, default 0.05) is held out as the validation split. A folder that
already holds shards is replaced only with --force.`;

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(argv, {
    tokenizer: { type: 'string' }, in: { type: 'string', multiple: true }, out: { type: 'string' },
    'val-fraction': { type: 'string' }, seed: { type: 'string' }, 'shard-tokens': { type: 'string' }, force: { type: 'boolean' },
  }, HELP, { positionals: true });
  const inputs = [...((values.in as string[] | undefined) ?? []), ...positionals];
  if (inputs.length === 0) throw new CliError('--in is required (one or more text or JSONL files)');
  const t0 = performance.now();
  const tty = process.stderr.isTTY;
  const index = await tokenizeToShards({
    tokenizer: requiredFlag(values.tokenizer, 'tokenizer'), inputs, out: requiredFlag(values.out, 'out'),
    valFraction: numFlag(values['val-fraction'], 'val-fraction', 0.05, 0, 0.99),
    seed: intFlag(values.seed, 'seed', 1234, 0), force: values.force === true, shardTokens: intFlag(values['shard-tokens'], 'shard-tokens', 1 << 26, 1024),
    onProgress: (p) => { if (tty && p.file) process.stderr.write(`\r${p.documents.toLocaleString()} documents, ${p.tokens.toLocaleString()} tokens`); },
  });
  if (tty) process.stderr.write('\n');
  const count = (s: typeof index.train) => s.reduce((a, e) => a + e.tokens, 0);
  const docs = (s: typeof index.train) => s.reduce((a, e) => a + e.documents, 0);
  console.log(`train: ${count(index.train).toLocaleString()} tokens in ${docs(index.train)} documents (${index.train.length} shard${index.train.length === 1 ? '' : 's'}); ` +
    `val: ${count(index.val).toLocaleString()} tokens in ${docs(index.val)} documents; ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
