// The quality-vs-cost curve RouteLLM plots (evaluate.py generate_results): accuracy against the
// share of strong-model calls for each router, the random baseline and the optimal router, with
// the weak and strong models as dashed lines. Plain SVG 1.1.
import type { CurvePoint } from './metrics.ts';

export type CurveSeries = { name: string; points: CurvePoint[]; dashed?: boolean };

const COLOURS = ['#1f77b4', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22'];
const esc = (s: string) => s.replace(/[<&>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function routingCurveSvg(title: string, series: CurveSeries[], weak: { name: string; accuracy: number }, strong: { name: string; accuracy: number }): string {
  const W = 720, H = 460, L = 60, R = 190, Tp = 40, Bm = 50;
  const ys = [weak.accuracy, strong.accuracy, ...series.flatMap((s) => s.points.map((p) => p.accuracy))];
  let y0 = Math.floor(Math.min(...ys) - 1), y1 = Math.ceil(Math.max(...ys) + 1);
  if (y1 - y0 < 2) { y0 -= 1; y1 += 1; }
  const sx = (x: number) => L + (x / 100) * (W - L - R);
  const sy = (y: number) => Tp + (1 - (y - y0) / (y1 - y0)) * (H - Tp - Bm);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${(L + W - R) / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`,
  ];
  const step = Math.max(1, Math.ceil((y1 - y0) / 8));
  for (let t = Math.ceil(y0 / step) * step; t <= y1; t += step) {
    out.push(`<line x1="${L}" x2="${W - R}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" stroke="#ddd"/>`, `<text x="${L - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${t}</text>`);
  }
  for (let t = 0; t <= 100; t += 20) {
    out.push(`<line x1="${sx(t)}" x2="${sx(t)}" y1="${Tp}" y2="${H - Bm}" stroke="#eee"/>`, `<text x="${sx(t)}" y="${H - Bm + 16}" text-anchor="middle">${t}</text>`);
  }
  out.push(`<rect x="${L}" y="${Tp}" width="${W - L - R}" height="${H - Tp - Bm}" fill="none" stroke="#333"/>`,
    `<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">strong model calls (%)</text>`,
    `<text x="16" y="${(Tp + H - Bm) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(Tp + H - Bm) / 2})">accuracy (%)</text>`);
  const legend: [string, string, boolean][] = [];
  for (const [m, colour] of [[weak, '#7f7f7f'], [strong, '#d62728']] as const) {
    out.push(`<line x1="${L}" x2="${W - R}" y1="${sy(m.accuracy).toFixed(1)}" y2="${sy(m.accuracy).toFixed(1)}" stroke="${colour}" stroke-dasharray="6 4" stroke-width="1.5"/>`);
    legend.push([`${m.name} ${m.accuracy.toFixed(1)}`, colour, true]);
  }
  series.forEach((s, i) => {
    const colour = s.name.startsWith('random') ? '#ff7f0e' : s.name === 'optimal' ? '#000000' : COLOURS[i % COLOURS.length];
    const pts = [...s.points].sort((a, b) => a.strongShare - b.strongShare);
    out.push(`<path d="${pts.map((p, k) => `${k ? 'L' : 'M'}${sx(p.strongShare).toFixed(1)},${sy(p.accuracy).toFixed(1)}`).join(' ')}" fill="none" stroke="${colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="3 3"' : ''}/>`);
    for (const p of pts) out.push(`<circle cx="${sx(p.strongShare).toFixed(1)}" cy="${sy(p.accuracy).toFixed(1)}" r="2.5" fill="${colour}"/>`);
    legend.push([s.name, colour, s.dashed === true]);
  });
  legend.forEach(([name, colour, dashed], i) => {
    const y = Tp + 10 + 18 * i;
    out.push(`<line x1="${W - R + 12}" x2="${W - R + 36}" y1="${y}" y2="${y}" stroke="${colour}" stroke-width="2"${dashed ? ' stroke-dasharray="6 4"' : ''}/>`, `<text x="${W - R + 42}" y="${y + 4}">${esc(name)}</text>`);
  });
  out.push('</svg>\n');
  return out.join('\n');
}
