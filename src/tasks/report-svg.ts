// The task report's figure: one small bar chart per metric (each on its own y scale, from 0),
// one bar per system in the same colour across panels, the value above each bar, a legend below.
// Plain SVG 1.1 like the other report figures (src/train/plot.ts, src/data/filter/svg.ts), so any
// browser or converter renders it.
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const label = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(Math.abs(v) >= 1 ? 2 : 3));

/** Panels of `metrics` (in order) for every system that has them; a system without a metric has no bar there. */
export function metricBarsSvg(title: string, systems: Record<string, Record<string, number>>, metrics: string[]): string {
  const names = Object.keys(systems);
  const cols = Math.min(4, Math.max(1, metrics.length)), rows = Math.ceil(metrics.length / cols);
  const bw = 22, pw = Math.max(150, names.length * (bw + 6) + 40), ph = 170, top = 40, legendH = 18 * names.length + 16;
  const W = cols * pw + 20, H = top + rows * ph + legendH;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`,
  ];
  metrics.forEach((m, mi) => {
    const x0 = 10 + (mi % cols) * pw, y0 = top + Math.floor(mi / cols) * ph;
    const vals = names.map((n) => systems[n][m]);
    const max = Math.max(1e-9, ...vals.filter((v) => Number.isFinite(v)).map(Math.abs));
    const base = y0 + ph - 30, height = ph - 65, left = x0 + 20;
    parts.push(`<text x="${x0 + pw / 2}" y="${y0 + 14}" text-anchor="middle" font-size="12">${esc(m)}</text>`,
      `<line x1="${left - 4}" x2="${x0 + pw - 10}" y1="${base}" y2="${base}" stroke="#333"/>`);
    vals.forEach((v, i) => {
      if (!Number.isFinite(v)) return;
      const h = (Math.abs(v) / max) * height, x = left + i * (bw + 6);
      parts.push(`<rect x="${x}" y="${(base - h).toFixed(1)}" width="${bw}" height="${h.toFixed(1)}" fill="${COLOURS[i % COLOURS.length]}"><title>${esc(names[i])}: ${v}</title></rect>`,
        `<text x="${x + bw / 2}" y="${(base - h - 3).toFixed(1)}" text-anchor="middle" font-size="9">${label(v)}</text>`);
    });
  });
  names.forEach((n, i) => {
    const y = top + rows * ph + 4 + i * 18;
    parts.push(`<rect x="12" y="${y}" width="12" height="12" fill="${COLOURS[i % COLOURS.length]}"/><text x="30" y="${y + 10}">${esc(n)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
