// Chromium for the browser tests: Debian's package (apt-get install chromium), driven by
// playwright-core; no browser is ever downloaded. Missing Chromium fails under CI and skips
// (with the reason) elsewhere. WREN_CHROMIUM names another executable.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { sharedFile } from '../_helpers.ts';

function findChromium(): string | undefined {
  const named = process.env.WREN_CHROMIUM;
  if (named) return existsSync(named) ? named : undefined;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const path = execFileSync('which', [name], { encoding: 'utf8' }).trim();
      if (path) return path;
    } catch { /* not on PATH */ }
  }
  return undefined;
}

/** The Chromium executable, or a skip reason; throws under CI when it is missing. */
export function chromium(): { path: string; skip: false } | { path: ''; skip: string } {
  const path = findChromium();
  if (path) return { path, skip: false };
  const why = 'Chromium not found (apt-get install chromium, or set WREN_CHROMIUM)';
  if (process.env.CI) throw new Error(`${why}: the browser tests must run under CI`);
  return { path: '', skip: why };
}

export async function launchChromium(path: string): Promise<Browser> {
  const { chromium: pw } = await import('playwright-core');
  // --no-sandbox: CI containers run as root, where Chromium's sandbox cannot start.
  return pw.launch({ executablePath: path, args: ['--no-sandbox'], headless: true });
}

/** stories260K from ../shared/data and its documented greedy text (the first `./run` block of stories260K.md). */
export function stories260K() {
  const model = sharedFile('llama2c-stories260K/stories260K.bin');
  const tokenizer = sharedFile('llama2c-stories260K/tok512.bin');
  const doc = sharedFile('llama2c-stories260K/stories260K.md');
  const skip = model.skip || tokenizer.skip || doc.skip;
  const greedy = () => [...readFileSync(doc.path, 'utf8').matchAll(/```\n\$ \.\/run [^\n]*\n([\s\S]*?)\n```/g)][0][1];
  return { model: model.path, tokenizer: tokenizer.path, skip, greedy };
}
