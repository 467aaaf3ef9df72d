// Flag parsing shared by every command: node's parseArgs plus typed, range-checked getters,
// so each command states its flags once and a bad value names the flag and what was expected.
import { parseArgs } from 'node:util';
import { WrenError } from '../errors.ts';

export class CliError extends WrenError {}

export type FlagSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean }>;

/** `positionals`: the command takes bare arguments (files, ids); otherwise one is an error, not ignored. */
export function parseFlags(argv: string[], spec: FlagSpec, help: string, o: { positionals?: boolean } = {}) {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(help);
    process.exit(0);
  }
  const command = /^usage: (wren [\w-]+(?: [a-z][\w-]*)?)/.exec(help)?.[1] ?? 'wren <command>';
  let parsed;
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv, spec), options: spec, allowPositionals: true, strict: true });
  } catch (err) {
    const message = (err as Error).message.split('\n')[0];
    const unknown = /^Unknown option '([^']+)'/.exec(message);
    throw new CliError(`${unknown ? `unknown option '${unknown[1]}'` : message} (run '${command} --help' for the options)`);
  }
  const stray = parsed.positionals[0];
  if (!o.positionals && stray !== undefined) {
    throw new CliError(`unexpected argument '${stray}' (a value with spaces needs quotes, e.g. --text "how are you"; a flag of several values is repeated, --data A --data B; run '${command} --help' for the options)`);
  }
  return parsed;
}

/** `--top-k -3` → `--top-k=-3`: parseArgs would take `-3` for a flag, so the range check names the value instead. */
function joinNegativeValues(argv: string[], spec: FlagSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : undefined;
    if (name && spec[name]?.type === 'string' && /^-\.?\d/.test(argv[i + 1] ?? '')) out.push(`${argv[i]}=${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
}

// Decimal numbers only: Number() also reads '' as 0 and '0x3' as 3.
const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
export const numberOf = (value: unknown) => typeof value === 'string' && !DECIMAL.test(value.trim()) ? NaN : Number(value);

export function intFlag(value: unknown, name: string, fallback: number, min = -Infinity, max = Infinity): number {
  if (value === undefined) return fallback;
  const n = numberOf(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new CliError(`--${name} must be an integer in [${min}, ${max}], got '${value}'`);
  }
  return n;
}

export function numFlag(value: unknown, name: string, fallback: number, min = -Infinity, max = Infinity): number {
  if (value === undefined) return fallback;
  const n = numberOf(value);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new CliError(`--${name} must be a number in [${min}, ${max}], got '${value}'`);
  }
  return n;
}

export function requiredFlag(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new CliError(`--${name} is required`);
  return value;
}
