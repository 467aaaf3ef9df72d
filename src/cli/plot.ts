// `wren plot RUN_DIR [--out FILE]`: train/val loss against tokens as an SVG (default RUN_DIR/loss.svg).
import { join } from 'node:path';
import { CliError, parseFlags } from './args.ts';
import { writeFileAtomic } from '../formats/atomic.ts';
import { lossPlotSvg, readMetrics } from '../train/plot.ts';

const HELP = 'usage: wren plot RUN_DIR [--out FILE]\n\nWrites an SVG of train and validation loss against tokens from RUN_DIR/metrics.jsonl.';

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(argv, { out: { type: 'string' } }, HELP, { positionals: true });
  if (positionals.length !== 1) throw new CliError(HELP);
  const runDir = positionals[0], out = (values.out as string | undefined) ?? join(runDir, 'loss.svg');
  const data = readMetrics(runDir);
  writeFileAtomic(out, lossPlotSvg(data, `loss — ${runDir}`));
  console.log(`wrote ${out} (${data.train.length} steps, ${data.val.length} evaluations)`);
}
