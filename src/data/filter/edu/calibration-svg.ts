// A calibration plot for edu scorers on held-out labels: predicted score (binned by half points)
// on x, the mean label of the documents in that bin on y, one line per scorer, dot area by how
// many documents fell in the bin, and the diagonal a perfectly calibrated scorer would follow.
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const COLORS = ['#1565c0', '#c62828', '#2e7d32', '#6a1b9a', '#ef6c00', '#00838f', '#5d4037', '#455a64'];

export type CalibrationSeries = { name: string; predicted: number[]; labels: number[] };

export function calibrationBins(predicted: number[], labels: number[], width = 0.5): { x: number; y: number; n: number }[] {
  const bins = new Map<number, { sx: number; sy: number; n: number }>();
  predicted.forEach((p, i) => {
    const k = Math.min(Math.floor(Math.max(0, p) / width), Math.round(5 / width) - 1);
    const b = bins.get(k) ?? { sx: 0, sy: 0, n: 0 };
    b.sx += p; b.sy += labels[i]; b.n++;
    bins.set(k, b);
  });
  return [...bins.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => ({ x: b.sx / b.n, y: b.sy / b.n, n: b.n }));
}

export function calibrationSvg(title: string, series: CalibrationSeries[]): string {
  const W = 640, H = 520, left = 60, right = 170, top = 40, bottom = 50, pw = W - left - right, ph = H - top - bottom;
  const X = (v: number) => left + (v / 5) * pw, Y = (v: number) => top + ph - (v / 5) * ph;
  const p: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`];
  p.push(`<rect width="${W}" height="${H}" fill="white"/>`, `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`);
  for (let v = 0; v <= 5; v++) {
    p.push(`<line x1="${X(0)}" x2="${X(5)}" y1="${Y(v)}" y2="${Y(v)}" stroke="#eee"/>`, `<line x1="${X(v)}" x2="${X(v)}" y1="${Y(0)}" y2="${Y(5)}" stroke="#eee"/>`);
    p.push(`<text x="${left - 8}" y="${Y(v) + 4}" text-anchor="end">${v}</text>`, `<text x="${X(v)}" y="${top + ph + 16}" text-anchor="middle">${v}</text>`);
  }
  p.push(`<line x1="${X(0)}" y1="${Y(0)}" x2="${X(5)}" y2="${Y(5)}" stroke="#999" stroke-dasharray="5,4"/>`);
  series.forEach((s, i) => {
    const c = COLORS[i % COLORS.length], bins = calibrationBins(s.predicted, s.labels), n = s.predicted.length;
    p.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${bins.map((b) => `${X(b.x).toFixed(1)},${Y(b.y).toFixed(1)}`).join(' ')}"/>`);
    for (const b of bins) p.push(`<circle cx="${X(b.x).toFixed(1)}" cy="${Y(b.y).toFixed(1)}" r="${(2 + 10 * Math.sqrt(b.n / n)).toFixed(1)}" fill="${c}" fill-opacity="0.5"><title>${esc(s.name)}: ${b.n} documents, mean predicted ${b.x.toFixed(2)}, mean label ${b.y.toFixed(2)}</title></circle>`);
    p.push(`<rect x="${W - right + 16}" y="${top + i * 20}" width="12" height="12" fill="${c}"/><text x="${W - right + 34}" y="${top + i * 20 + 10}">${esc(s.name)}</text>`);
  });
  p.push(`<text x="${left + pw / 2}" y="${H - 12}" text-anchor="middle">predicted score (bins of 0.5)</text>`);
  p.push(`<text x="16" y="${top + ph / 2}" text-anchor="middle" transform="rotate(-90 16 ${top + ph / 2})">mean LLM label</text>`, '</svg>');
  return p.join('\n') + '\n';
}
