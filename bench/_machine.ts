// What every benchmark prints first: the machine it ran on, so numbers are never quoted bare.
import os from 'node:os';

export function machineLine(): string {
  const cpus = os.cpus();
  return JSON.stringify({ machine: cpus[0]?.model ?? 'unknown', cores: cpus.length, node: process.version, platform: `${os.platform()}-${os.arch()}` });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
