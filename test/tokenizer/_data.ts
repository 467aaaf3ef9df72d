// Seeded fuzz text for tokenizer tests (draw it from mulberry32 in src/util/rng.ts).

/** A random string mixing ASCII, whitespace, Latin, CJK, emoji, combining marks and lone surrogates-free astral chars. */
export function randomUnicode(next: () => number, maxLen: number): string {
  const ranges: [number, number][] = [
    [0x20, 0x7e], [0x20, 0x7e], [0x20, 0x7e], [0x09, 0x0d], [0x80, 0x24f], [0x300, 0x36f],
    [0x370, 0x3ff], [0x400, 0x4ff], [0x590, 0x6ff], [0x900, 0x97f], [0x2000, 0x206f], [0x3000, 0x303f],
    [0x4e00, 0x9fff], [0xac00, 0xd7a3], [0xfe00, 0xfeff], [0x1f300, 0x1f6ff], [0x10000, 0x10ffff],
  ];
  const n = Math.floor(next() * maxLen);
  let s = '';
  for (let i = 0; i < n; i++) {
    const [lo, hi] = ranges[Math.floor(next() * ranges.length)];
    s += String.fromCodePoint(lo + Math.floor(next() * (hi - lo + 1)));
  }
  return s;
}
