// `wren quickstart`: the main job on the embedded default (no keys, no network). See src/quickstart.ts.
import { runQuickstart } from '../quickstart.ts';
import { CliError, intFlag, numFlag, parseFlags } from './args.ts';

const HELP = `usage: wren quickstart [--minutes M] [--out DIR] [--teacher T] [--stories N] [--samples N]
                       [--held-out FILE] [--seed S] [--threads N]

The main job, in about M minutes (default 8): the bundled teacher (--teacher wren, a Wren model
trained on real TinyStories text; --teacher builtin is the fast offline grammar, or any teacher
'wren synth' takes) writes up to N stories (default 30000) from random seed words, the stories
filter keeps the clean distinct ones, and Wren trains a tokenizer and a ~1M-parameter student on
them, then writes stories from fresh seed words. The report (report.md, report.json) gives the
student's bits per byte on held-out teacher stories, and on --held-out FILE (real stories separated
by <|endoftext|>, e.g. TinyStories) when given; seed-word use and distinct-n of both models.`;

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, {
    minutes: { type: 'string' }, out: { type: 'string' }, stories: { type: 'string' }, samples: { type: 'string' },
    seed: { type: 'string' }, threads: { type: 'string' }, backend: { type: 'string' }, teacher: { type: 'string' }, 'held-out': { type: 'string' },
  }, HELP);
  const backend = v.backend as 'native' | 'wasm' | 'reference' | undefined;
  if (backend && !['native', 'wasm', 'reference'].includes(backend)) throw new CliError(`--backend must be native, wasm or reference, got '${backend}'`);
  const tty = process.stderr.isTTY;
  const out = (v.out as string | undefined) ?? `runs/quickstart-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}`;
  const t0 = performance.now();
  const report = await runQuickstart({
    out,
    minutes: numFlag(v.minutes, 'minutes', 8, 0.1, 24 * 60),
    teacher: v.teacher as string | undefined, heldOut: v['held-out'] as string | undefined,
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
