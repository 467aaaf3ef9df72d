// `wren recipe tinystories --data FILE… [--minutes M] [--out DIR]`: real story text → a small
// model and its bits per byte on held-out real text. See src/recipes/tinystories.ts.
import { runTinyStoriesRecipe } from '../recipes/tinystories.ts';
import { SHAPES } from '../recipes/plan.ts';
import type { BackendName } from '../engine/backend.ts';
import { CliError, intFlag, numFlag, parseFlags } from './args.ts';

const HELP = `usage: wren recipe tinystories --data FILE [--data FILE…] [--minutes M] [--out DIR]
                               [--held-out-percent P] [--seed S] [--samples N] [--threads N] [--backend B]
                               [--shape tiny|small|base|large|xl] [--steps N]

Trains a byte-level BPE tokenizer and a Llama-style model on real story text (files with stories
separated by <|endoftext|> lines, as TinyStories ships them, or JSONL with a 'text' field) for about
M minutes of training (default 30), with shape, steps and dropout chosen from the measured step time
and the data size (docs/recipes.md), and reports bits per byte on the documents it held out
(P percent, default 5, chosen by a hash of each text). A rerun with the same --out resumes.
--shape and --steps fix what the budget would choose, so a run reproduces on any machine.`;

export async function run(argv: string[]): Promise<void> {
  const [which, ...rest] = argv;
  if (which === '--help' || which === '-h') { console.log(HELP); return; }
  if (which !== 'tinystories') throw new CliError(`${which === undefined ? 'a recipe name is needed' : `unknown recipe '${which}'`}; known: tinystories\n\n${HELP}`);
  const { values: v } = parseFlags(rest, {
    data: { type: 'string', multiple: true }, minutes: { type: 'string' }, out: { type: 'string' }, 'held-out-percent': { type: 'string' },
    seed: { type: 'string' }, samples: { type: 'string' }, threads: { type: 'string' }, backend: { type: 'string' },
    shape: { type: 'string' }, steps: { type: 'string' },
  }, HELP);
  if (v.shape !== undefined && !SHAPES.some((s) => s.name === v.shape)) throw new CliError(`--shape must be one of ${SHAPES.map((s) => s.name).join(', ')}, got '${v.shape}'`);
  const data = (v.data as string[] | undefined) ?? [];
  if (data.length === 0) throw new CliError(`--data is required (a TinyStories text file; repeat --data for more)\n\n${HELP}`);
  const backend = v.backend as BackendName | undefined;
  if (backend && !['native', 'wasm', 'reference'].includes(backend)) throw new CliError(`--backend must be native, wasm or reference, got '${backend}'`);
  const tty = process.stderr.isTTY;
  const report = await runTinyStoriesRecipe({
    data, backend,
    out: (v.out as string | undefined) ?? `runs/recipe-tinystories-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}`,
    minutes: numFlag(v.minutes, 'minutes', 30, 0.05, 7 * 24 * 60),
    heldOutPercent: intFlag(v['held-out-percent'], 'held-out-percent', 5, 1, 50),
    seed: intFlag(v.seed, 'seed', 1, 0, 2 ** 31 - 1),
    samples: intFlag(v.samples, 'samples', 3, 0, 100),
    shape: v.shape as string | undefined,
    steps: v.steps === undefined ? undefined : intFlag(v.steps, 'steps', 0, 1, 10_000_000),
    threads: intFlag(v.threads, 'threads', 0, 1, 16) || undefined,
    log: (line) => { if (tty) process.stderr.write('\r\x1b[K'); console.log(line); },
    status: tty ? (line) => process.stderr.write(`\r\x1b[K${line}`) : undefined,
  });
  console.log(`held-out bits per byte ${report.held_out.bits_per_byte.toFixed(4)} (${report.held_out.documents} documents). Run folder: ${report.run_dir} (report.md, train/checkpoint)`);
  for (const [i, s] of report.samples.entries()) console.log(`\n— sample ${i + 1}\n${s}`);
}
