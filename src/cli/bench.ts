// `wren bench <name> [options]`: runs bench/<name>.ts. Benchmarks live in bench/ (never in the
// test run); each exports `run(argv)` and prints one JSON line per case plus the machine.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CliError } from './args.ts';

const benchDir = fileURLToPath(new URL('../../bench/', import.meta.url));

export async function run(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  const available = existsSync(benchDir)
    ? readdirSync(benchDir).filter((f) => f.endsWith('.ts') && !f.startsWith('_')).map((f) => f.slice(0, -3))
    : [];
  if (!name || !available.includes(name)) {
    throw new CliError(`usage: wren bench <${available.join('|')}> [options]${name ? ` (unknown benchmark '${name}')` : ''}`);
  }
  const mod = (await import(`${benchDir}${name}.ts`)) as { run(argv: string[]): Promise<void> };
  await mod.run(rest);
}
