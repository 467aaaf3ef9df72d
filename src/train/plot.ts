// Loss curves as SVG: train loss (every step) and val loss (each evaluation) against tokens seen,
// from a run's metrics.jsonl. Plain SVG 1.1, no scripts or fonts beyond sans-serif, so any browser
// or converter (rsvg, ImageMagick) renders it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WrenError } from '../errors.ts';

type Point = { x: number; y: number };

export function readMetrics(runDir: string): { train: Point[]; val: Point[] } {
  const path = join(runDir, 'metrics.jsonl');
  if (!existsSync(path)) throw new WrenError(`${runDir}: no metrics.jsonl (is this a 'wren train' run folder?)`);
  const train: Point[] = [], val: Point[] = [];
  readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let r: { tokens?: number; loss?: number; val_loss?: number };
    try { r = JSON.parse(line); } catch { throw new WrenError(`${path}:${i + 1}: not valid JSON`); }
    if (typeof r.tokens !== 'number') return;
    if (typeof r.loss === 'number') train.push({ x: r.tokens, y: r.loss });
    if (typeof r.val_loss === 'number') val.push({ x: r.tokens, y: r.val_loss });
  });
  if (train.length === 0) throw new WrenError(`${path}: no training steps recorded yet`);
  return { train, val };
}

function niceTicks(lo: number, hi: number, n = 5): number[] {
  const span = hi - lo || 1, step0 = span / n, mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

const fmt = (v: number) => (Math.abs(v) >= 1e6 ? `${+(v / 1e6).toPrecision(3)}M` : Math.abs(v) >= 1e3 ? `${+(v / 1e3).toPrecision(3)}k` : `${+v.toPrecision(3)}`);

export function lossPlotSvg(data: { train: Point[]; val: Point[] }, title = 'loss'): string {
  const W = 720, H = 420, L = 60, R = 20, Tp = 40, Bm = 50;
  const all = [...data.train, ...data.val];
  const x0 = 0, x1 = Math.max(...all.map((p) => p.x)) || 1;
  let y0 = Math.min(...all.map((p) => p.y)), y1 = Math.max(...all.map((p) => p.y));
  if (y1 - y0 < 1e-6) { y0 -= 0.5; y1 += 0.5; }
  const sx = (x: number) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const sy = (y: number) => Tp + (1 - (y - y0) / (y1 - y0)) * (H - Tp - Bm);
  const path = (ps: Point[]) => ps.map((p, i) => `${i ? 'L' : 'M'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${title.replace(/[<&]/g, '')}</text>`,
  ];
  for (const t of niceTicks(y0, y1)) {
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${L - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>`);
  }
  for (const t of niceTicks(x0, x1)) {
    parts.push(`<line x1="${sx(t).toFixed(1)}" x2="${sx(t).toFixed(1)}" y1="${Tp}" y2="${H - Bm}" stroke="#eee"/>`,
      `<text x="${sx(t).toFixed(1)}" y="${H - Bm + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  parts.push(`<rect x="${L}" y="${Tp}" width="${W - L - R}" height="${H - Tp - Bm}" fill="none" stroke="#333"/>`,
    `<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">tokens</text>`,
    `<text x="16" y="${(Tp + H - Bm) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(Tp + H - Bm) / 2})">loss (nats/token)</text>`,
    `<path d="${path(data.train)}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>`);
  if (data.val.length) {
    parts.push(`<path d="${path(data.val)}" fill="none" stroke="#d62728" stroke-width="2"/>`);
    for (const p of data.val) parts.push(`<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="3" fill="#d62728"/>`);
  }
  parts.push(`<line x1="${W - R - 130}" x2="${W - R - 110}" y1="${Tp + 15}" y2="${Tp + 15}" stroke="#1f77b4" stroke-width="2"/>`,
    `<text x="${W - R - 104}" y="${Tp + 19}">train</text>`);
  if (data.val.length) parts.push(`<line x1="${W - R - 130}" x2="${W - R - 110}" y1="${Tp + 33}" y2="${Tp + 33}" stroke="#d62728" stroke-width="2"/>`,
    `<text x="${W - R - 104}" y="${Tp + 37}">validation</text>`);
  parts.push('</svg>\n');
  return parts.join('\n');
}
