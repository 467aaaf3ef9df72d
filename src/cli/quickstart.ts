// `wren quickstart`: the main job on the embedded default (no keys, no network). See src/quickstart.ts.
import { runQuickstart } from '../quickstart.ts';
import { CliError, intFlag, numFlag, parseFlags } from './args.ts';

const HELP = `usage: wren quickstart [--minutes M] [--out DIR] [--stories N] [--samples N] [--seed S] [--threads N]

Synthesises stories with the built-in teacher, trains a tokenizer and a ~1M-parameter model for
about M minutes (default 6), prints stories from fresh seed words, and writes the run folder
(model, loss.svg, report.md).`;

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, {
    minutes: { type: 'string' }, out: { type: 'string' }, stories: { type: 'string' }, samples: { type: 'string' },
    seed: { type: 'string' }, threads: { type: 'string' }, backend: { type: 'string' },
  }, HELP);
  const backend = v.backend as 'native' | 'wasm' | 'reference' | undefined;
  if (backend && !['native', 'wasm', 'reference'].includes(backend)) throw new CliError(`--backend must be native, wasm or reference, got '${backend}'`);
  const tty = process.stderr.isTTY;
  const out = (v.out as string | undefined) ?? `runs/quickstart-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}`;
  const t0 = performance.now();
  const report = await runQuickstart({
    out,
    minutes: numFlag(v.minutes, 'minutes', 6, 0.1, 24 * 60),
    stories: intFlag(v.stories, 'stories', 30000, 100, 10_000_000),
    samples: intFlag(v.samples, 'samples', 3, 0, 100),
    seed: intFlag(v.seed, 'seed', 1, 0, 2 ** 31 - 1),
    threads: intFlag(v.threads, 'threads', 0, 1, 16) || undefined,
    backend,
    log: (line) => { if (tty) process.stderr.write('\r\x1b[K'); console.log(line); },
    status: tty ? (line) => process.stderr.write(`\r\x1b[K${line}`) : undefined,
  });
  console.log(`done in ${((performance.now() - t0) / 60000).toFixed(1)} min. Run folder: ${report.out} (report.md, loss.svg, train/checkpoint)`);
}
