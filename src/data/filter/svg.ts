// Hand-written SVG charts for filter reports (no plotting dependency): a score histogram with kept
// and dropped bars and the threshold marked, and a funnel of documents through the stages.
import type { Histogram, PassStats } from './stats.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function histogramSvg(title: string, h: Histogram): string {
  const W = 640, H = 360, left = 60, right = 20, top = 40, bottom = 50;
  const bins = h.kept.length;
  const totals = h.kept.map((k, i) => k + h.dropped[i]);
  const maxY = Math.max(1, ...totals);
  const pw = W - left - right, ph = H - top - bottom;
  const bw = pw / bins;
  const y = (v: number) => top + ph - (v / maxY) * ph;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`);
  for (let t = 0; t <= 4; t++) {
    const v = Math.round((maxY * t) / 4);
    parts.push(`<line x1="${left}" x2="${W - right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`);
  }
  for (let i = 0; i < bins; i++) {
    const x = left + i * bw + 2;
    const yk = y(h.kept[i]), yd = y(h.kept[i] + h.dropped[i]);
    parts.push(`<rect x="${x}" y="${yk}" width="${bw - 4}" height="${top + ph - yk}" fill="#2e7d32"><title>kept: ${h.kept[i]}</title></rect>`);
    parts.push(`<rect x="${x}" y="${yd}" width="${bw - 4}" height="${yk - yd}" fill="#c62828"><title>dropped: ${h.dropped[i]}</title></rect>`);
  }
  for (let i = 0; i <= bins; i++) {
    const v = h.min + ((h.max - h.min) * i) / bins;
    parts.push(`<text x="${left + i * bw}" y="${top + ph + 16}" text-anchor="middle">${Number(v.toFixed(2))}</text>`);
  }
  if (h.threshold !== undefined) {
    const x = left + ((h.threshold - h.min) / (h.max - h.min)) * pw;
    parts.push(`<line x1="${x}" x2="${x}" y1="${top}" y2="${top + ph}" stroke="black" stroke-dasharray="5,4"/>`);
    parts.push(`<text x="${x + 4}" y="${top + 12}">keep ≥ ${h.threshold}</text>`);
  }
  parts.push(`<line x1="${left}" x2="${W - right}" y1="${top + ph}" y2="${top + ph}" stroke="black"/>`);
  parts.push(`<text x="${W / 2}" y="${H - 12}" text-anchor="middle">score</text>`);
  parts.push(`<text x="16" y="${top + ph / 2}" text-anchor="middle" transform="rotate(-90 16 ${top + ph / 2})">documents</text>`);
  parts.push(`<rect x="${W - 170}" y="${top}" width="12" height="12" fill="#2e7d32"/><text x="${W - 152}" y="${top + 10}">kept</text>`);
  parts.push(`<rect x="${W - 110}" y="${top}" width="12" height="12" fill="#c62828"/><text x="${W - 92}" y="${top + 10}">dropped</text>`);
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

export function funnelSvg(pass: PassStats): string {
  const rows = [{ label: 'input documents', n: pass.input.docs }, ...pass.stages.map((s) => ({ label: s.name, n: s.docsOut }))];
  const W = 640, rowH = 28, top = 40, left = 170, right = 90;
  const H = top + rows.length * rowH + 20;
  const maxN = Math.max(1, rows[0].n);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`];
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(`documents remaining after each stage (${pass.recipe.name})`)}</text>`);
  rows.forEach((r, i) => {
    const yy = top + i * rowH;
    const w = ((W - left - right) * r.n) / maxN;
    parts.push(`<text x="${left - 8}" y="${yy + 17}" text-anchor="end">${esc(r.label)}</text>`);
    parts.push(`<rect x="${left}" y="${yy + 4}" width="${Math.max(1, w)}" height="${rowH - 8}" fill="#1565c0"/>`);
    parts.push(`<text x="${left + w + 6}" y="${yy + 17}">${r.n} (${((100 * r.n) / maxN).toFixed(1)}%)</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
