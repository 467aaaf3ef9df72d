// Counts characters inside comments and docstrings of a source file, by language family, with a
// small state machine that skips string literals. Approximate by design (no full lexers): good
// enough for a comment-ratio filter and the code edu heuristic.

interface Syntax {
  line: string[];
  block: [string, string][];
  quotes: string[];
  /** Python-style triple-quoted strings count as docstrings (comments). */
  docstrings: boolean;
}

const C_LIKE: Syntax = { line: ['//'], block: [['/*', '*/']], quotes: ['"', "'", '`'], docstrings: false };
const HASH: Syntax = { line: ['#'], block: [], quotes: ['"', "'"], docstrings: false };
const PYTHON: Syntax = { line: ['#'], block: [], quotes: ['"', "'"], docstrings: true };
const DASH: Syntax = { line: ['--'], block: [['--[[', ']]'], ['{-', '-}'], ['/*', '*/']], quotes: ['"', "'"], docstrings: false };
const HTML: Syntax = { line: [], block: [['<!--', '-->']], quotes: [], docstrings: false };

const BY_EXT: Record<string, Syntax> = {
  js: C_LIKE, mjs: C_LIKE, cjs: C_LIKE, jsx: C_LIKE, ts: C_LIKE, tsx: C_LIKE, mts: C_LIKE, cts: C_LIKE,
  c: C_LIKE, h: C_LIKE, cc: C_LIKE, cpp: C_LIKE, hpp: C_LIKE, cxx: C_LIKE, java: C_LIKE, go: C_LIKE,
  rs: C_LIKE, cs: C_LIKE, swift: C_LIKE, kt: C_LIKE, scala: C_LIKE, php: C_LIKE, dart: C_LIKE, css: C_LIKE, scss: C_LIKE,
  py: PYTHON, rb: HASH, sh: HASH, bash: HASH, zsh: HASH, r: HASH, jl: HASH, pl: HASH, yaml: HASH, yml: HASH, toml: HASH,
  lua: DASH, sql: DASH, hs: DASH, html: HTML, xml: HTML, vue: C_LIKE, svelte: C_LIKE,
};

export function extensionOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

export function knownCodeExtension(ext: string): boolean {
  return ext in BY_EXT;
}

/** Characters inside comments/docstrings, or -1 when the language is unknown. */
export function commentChars(text: string, ext: string): number {
  const syn = BY_EXT[ext];
  if (!syn) return -1;
  let i = 0, n = 0;
  const L = text.length;
  const startsAt = (tok: string, at: number) => text.startsWith(tok, at);
  outer: while (i < L) {
    const c = text[i];
    if (syn.docstrings && (startsAt('"""', i) || startsAt("'''", i))) {
      const q = text.slice(i, i + 3);
      const end = text.indexOf(q, i + 3);
      const stop = end < 0 ? L : end + 3;
      n += stop - i;
      i = stop;
      continue;
    }
    for (const tok of syn.line) {
      if (startsAt(tok, i)) {
        const end = text.indexOf('\n', i);
        const stop = end < 0 ? L : end;
        n += stop - i;
        i = stop;
        continue outer;
      }
    }
    for (const [open, close] of syn.block) {
      if (startsAt(open, i)) {
        const end = text.indexOf(close, i + open.length);
        const stop = end < 0 ? L : end + close.length;
        n += stop - i;
        i = stop;
        continue outer;
      }
    }
    if (syn.quotes.includes(c)) {
      // Skip the string literal; quotes other than backticks end at a newline.
      let j = i + 1;
      while (j < L && text[j] !== c && (c === '`' || text[j] !== '\n')) j += text[j] === '\\' ? 2 : 1;
      i = j + 1;
      continue;
    }
    i++;
  }
  return n;
}
