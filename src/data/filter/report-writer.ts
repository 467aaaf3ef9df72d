// Writes a filter report directory: report.json (every pass, machine-readable), report.md (for a
// person: what came in, what each stage dropped and why, with examples), funnel.svg and one
// <stage>-histogram.svg per scoring stage of the latest pass.
import { join } from 'node:path';
import { makeDir, writeFileAtomic } from '../../formats/atomic.ts';
import { STAGE_FACTORIES } from './registry.ts';
import type { PassStats, ReasonStats } from './stats.ts';
import { funnelSvg, histogramSvg } from './svg.ts';

const pct = (a: number, b: number) => (b === 0 ? '–' : `${((100 * a) / b).toFixed(1)}%`);
const md = (s: string) => s.replace(/\|/g, '\\|').replace(/`/g, "'");

function reasonsTable(reasons: Record<string, ReasonStats>, of: number): string[] {
  const rows = Object.entries(reasons).sort((a, b) => b[1].count - a[1].count);
  if (rows.length === 0) return ['(none)', ''];
  const out = ['| reason | documents | share | examples |', '| --- | ---: | ---: | --- |'];
  for (const [reason, r] of rows) {
    const ex = r.examples.map((e) => `\`${md(e.id)}\`${e.detail ? ` — ${md(e.detail)}` : ''}${e.snippet ? `: “${md(e.snippet.slice(0, 100))}”` : ''}`).join('<br>');
    out.push(`| ${reason} | ${r.count} | ${pct(r.count, of)} | ${ex} |`);
  }
  return [...out, ''];
}

export function reportMarkdown(passes: PassStats[]): string {
  const p = passes[passes.length - 1];
  const mb = p.input.bytes / 1e6;
  const lines: string[] = [
    `# Filter report: ${p.recipe.name}`,
    '',
    `${p.recipe.description}`,
    '',
    `- recipe: \`${p.recipe.source}\`; inputs: ${p.inputs.map((i) => `\`${i}\``).join(', ')}; shard ${p.shard}`,
    `- output: \`${p.output}\` — **${p.docsOut} of ${p.input.docs} documents kept (${pct(p.docsOut, p.input.docs)})**, ${(p.bytesOut / 1e6).toFixed(2)} MB`,
    `- read ${p.input.units} input units, ${mb.toFixed(2)} MB in ${p.seconds.toFixed(1)} s (${(p.input.docs / Math.max(1e-9, p.seconds)).toFixed(0)} docs/s, ${(mb / Math.max(1e-9, p.seconds)).toFixed(2)} MB/s)`,
    '',
  ];
  if (passes.length > 1) {
    lines.push('## Passes', '', 'Each pass filtered the previous pass\'s output.', '', '| pass | recipe | documents in | kept | kept share |', '| ---: | --- | ---: | ---: | ---: |');
    passes.forEach((q, i) => lines.push(`| ${i + 1} | ${q.recipe.name} (\`${q.recipe.source}\`) | ${q.input.docs} | ${q.docsOut} | ${pct(q.docsOut, q.input.docs)} |`));
    lines.push('', `Overall: ${passes[passes.length - 1].docsOut} of ${passes[0].input.docs} documents of the first pass survive (${pct(passes[passes.length - 1].docsOut, passes[0].input.docs)}).`, '');
  }
  lines.push('## Stages', '', 'A document leaves at the first stage that drops it, so each stage sees what the one before kept. Examples show the first documents dropped for each reason.', '', '![documents after each stage](funnel.svg)', '');
  lines.push('| # | stage | in | out | dropped | top reasons | time |', '| ---: | --- | ---: | ---: | ---: | --- | ---: |');
  if (Object.keys(p.input.skipped).length > 0) {
    const skipped = Object.values(p.input.skipped).reduce((a, r) => a + r.count, 0);
    const top = Object.entries(p.input.skipped).sort((a, b) => b[1].count - a[1].count).map(([k, r]) => `${k} ${r.count}`).join(', ');
    lines.push(`| 0 | read inputs | ${p.input.units} | ${p.input.docs} | ${skipped} | ${top} | |`);
  }
  p.stages.forEach((s, i) => {
    const top = Object.entries(s.dropped).sort((a, b) => b[1].count - a[1].count).slice(0, 3).map(([k, r]) => `${k} ${r.count}`).join(', ');
    lines.push(`| ${i + 1} | ${s.name} | ${s.docsIn} | ${s.docsOut} | ${s.docsIn - s.docsOut} (${pct(s.docsIn - s.docsOut, s.docsIn)}) | ${top} | ${(s.ms / 1000).toFixed(2)} s |`);
  });
  lines.push('');
  if (Object.keys(p.input.skipped).length > 0) {
    lines.push('### Inputs not read', '', 'Units the reader skipped before any stage (binary files, oversized files, bad JSONL lines with --skip-bad, symlinks).', '');
    lines.push(...reasonsTable(p.input.skipped, p.input.units));
  }
  p.stages.forEach((s, i) => {
    const summary = STAGE_FACTORIES[s.kind]?.summary ?? '';
    lines.push(`### ${i + 1}. ${s.name} (${s.kind})`, '', `${summary ? `What it does: ${summary}. ` : ''}${s.docsIn} in, ${s.docsOut} out.`, '');
    const opts = p.recipe.stages[i]?.options;
    if (opts) lines.push(`<details><summary>options</summary>\n\n\`\`\`json\n${JSON.stringify(opts)}\n\`\`\`\n</details>`, '');
    if (Object.keys(s.edited).length > 0) {
      lines.push(`Kept but edited: ${Object.entries(s.edited).map(([k, n]) => `${k} ${n}`).join(', ')}.`, '');
    }
    lines.push(...reasonsTable(s.dropped, s.docsIn));
    if (s.histogram) {
      const h = s.histogram;
      lines.push(`![${s.name} score histogram](${s.name}-histogram.svg)`, '');
      const bins = h.kept.length;
      lines.push('| score | kept | dropped |', '| --- | ---: | ---: |');
      for (let b = 0; b < bins; b++) {
        const lo = h.min + ((h.max - h.min) * b) / bins, hi = h.min + ((h.max - h.min) * (b + 1)) / bins;
        lines.push(`| ${lo.toFixed(1)}–${hi.toFixed(1)} | ${h.kept[b]} | ${h.dropped[b]} |`);
      }
      lines.push('');
    }
  });
  return lines.join('\n');
}

export function writeReport(dir: string, passes: PassStats[]): void {
  makeDir(dir);
  const p = passes[passes.length - 1];
  writeFileAtomic(join(dir, 'report.json'), JSON.stringify({ format: 'wren-filter-report', version: 1, passes }, null, 1) + '\n');
  writeFileAtomic(join(dir, 'report.md'), reportMarkdown(passes));
  writeFileAtomic(join(dir, 'funnel.svg'), funnelSvg(p));
  for (const s of p.stages) {
    if (s.histogram) writeFileAtomic(join(dir, `${s.name}-histogram.svg`), histogramSvg(`${s.name}: score histogram (${p.recipe.name})`, s.histogram));
  }
}
