// `wren tokenizer train|encode|decode|add-special`: train a byte-level BPE tokenizer, or use any tokenizer
// Wren reads (tokenizer.json, llama2.c .bin, GPT-2 folder) from the shell.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { CliError, intFlag, parseFlags, requiredFlag } from './args.ts';
import { checkOutNotInput } from '../formats/out-folder.ts';
import { trainTokenizerFromFiles } from '../tokenizer/train-tokenizer.ts';
import { loadTokenizerJson, saveTokenizerJson } from '../tokenizer/hf-tokenizer-json.ts';
import { addSpecialTokens } from '../tokenizer/add-special.ts';
import { loadTokenizer } from '../tokenizer/load-tokenizer.ts';
import type { SpecialTokenMode } from '../tokenizer/tokenizer.ts';

const HELP = `usage:
  wren tokenizer train --in FILE [FILE…] --vocab-size N --out tokenizer.json [options]
      --special TOKEN        a special token (repeat the flag for more), e.g. --special '<|endoftext|>'
      --min-frequency N      never merge a pair seen fewer than N times (default 1)
      --pre-tokenizer NAME   gpt2 (default) | llama3
      --tie-break RULE       lex-greater (default; cs336 reference) | lowest-ids (HF tokenizers)
      --threads N            threads for counting pre-tokens (default: all cores)
      --force                overwrite --out if it exists
  wren tokenizer encode --tokenizer PATH (--text TEXT | --in FILE) [--special allowed|disallowed|text] [--bos] [--eos]
  wren tokenizer decode --tokenizer PATH ID [ID…]
  wren tokenizer add-special --tokenizer tokenizer.json --tokens A,B… --out tokenizer.json [--force]
      adds special tokens (next free ids; nothing retrained), e.g. --tokens '<|im_start|>,<|im_end|>'
      (the chat template's markers); --out may be the input with --force
PATH is a tokenizer.json, a llama2.c tokenizer.bin, or a folder with GPT-2 vocab.json + merges.txt.`;

// parseFlags' values are loosely typed (one FlagSpec type for every command); narrow them here.
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function progressBar(label: string): (done: number, total: number) => void {
  if (!process.stderr.isTTY) return () => {};
  let start = -1;
  let last = 0;
  let finished = false;
  return (done, total) => {
    if (finished) return;
    const now = performance.now();
    if (start < 0) start = now; // the clock starts with the phase, not when the bar was made
    if (done < total && now - last < 100) return;
    last = now;
    const frac = total > 0 ? done / total : 1;
    const secs = (now - start) / 1000;
    const rate = done / Math.max(secs, 1e-3);
    const eta = rate > 0 ? (total - done) / rate : 0;
    const bar = '#'.repeat(Math.round(frac * 30)).padEnd(30, '.');
    process.stderr.write(`\r${label} [${bar}] ${done}/${total} ${rate.toFixed(0)}/s ETA ${eta.toFixed(1)}s `);
    if (done >= total) {
      finished = true;
      process.stderr.write('\n');
    }
  };
}

async function train(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(argv, {
    in: { type: 'string', multiple: true },
    'vocab-size': { type: 'string' },
    special: { type: 'string', multiple: true },
    'min-frequency': { type: 'string' },
    'pre-tokenizer': { type: 'string', default: 'gpt2' },
    'tie-break': { type: 'string', default: 'lex-greater' },
    threads: { type: 'string' },
    out: { type: 'string' },
    force: { type: 'boolean', default: false },
  }, HELP, { positionals: true });
  const files = [...strings(values.in), ...positionals];
  if (files.length === 0) throw new CliError(`--in is required\n\n${HELP}`);
  const out = requiredFlag(values.out, 'out');
  checkOutNotInput(out, files);
  if (existsSync(out) && !values.force) throw new CliError(`--out '${out}' exists; pass --force to overwrite it`);
  const vocabSize = intFlag(requiredFlag(values['vocab-size'], 'vocab-size'), 'vocab-size', 0, 1, 1 << 20);
  const pre = values['pre-tokenizer'];
  if (pre !== 'gpt2' && pre !== 'llama3') throw new CliError(`--pre-tokenizer must be gpt2 or llama3, got '${pre}'`);
  const tie = values['tie-break'];
  if (tie !== 'lex-greater' && tie !== 'lowest-ids') throw new CliError(`--tie-break must be lex-greater or lowest-ids, got '${tie}'`);
  const count = progressBar('counting bytes');
  const merge = progressBar('merging');
  const result = await trainTokenizerFromFiles(files, {
    vocabSize,
    specialTokens: strings(values.special),
    minFrequency: intFlag(values['min-frequency'], 'min-frequency', 1, 1),
    preTokenizer: pre,
    tieBreak: tie === 'lex-greater' ? 'lexGreater' : 'lowestIds',
    threads: intFlag(values.threads, 'threads', os.availableParallelism(), 1, 256),
    onPhase: (phase, done, total) => (phase === 'count' ? count : merge)(done, total),
  });
  saveTokenizerJson(result.tokenizer, out);
  const t = result.tokenizer;
  console.log(JSON.stringify({
    out, vocab_size: t.vocabSize, merges: t.spec.merges.length, special_tokens: t.spec.specialTokens.length,
    distinct_pre_tokens: result.distinctPreTokens, stopped_early: result.stoppedEarly,
    count_seconds: +result.countSeconds.toFixed(3), merge_seconds: +result.mergeSeconds.toFixed(3),
  }));
  if (result.stoppedEarly) console.error(`note: no pair reached --min-frequency before vocab size ${vocabSize}; wrote ${t.vocabSize} tokens`);
}

async function encode(argv: string[]): Promise<void> {
  const { values } = parseFlags(argv, {
    tokenizer: { type: 'string' }, text: { type: 'string' }, in: { type: 'string' },
    special: { type: 'string', default: 'allowed' }, bos: { type: 'boolean', default: false }, eos: { type: 'boolean', default: false },
  }, HELP);
  const tok = loadTokenizer(requiredFlag(values.tokenizer, 'tokenizer'));
  if ((values.text === undefined) === (values.in === undefined)) throw new CliError('give exactly one of --text or --in');
  const special = str(values.special) as SpecialTokenMode;
  if (!['allowed', 'disallowed', 'text'].includes(special)) throw new CliError(`--special must be allowed, disallowed or text, got '${special}'`);
  let text = str(values.text);
  if (text === undefined) {
    try {
      text = readFileSync(str(values.in)!, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read --in '${values.in}': ${(err as Error).message}`);
    }
  }
  console.log(JSON.stringify(tok.encode(text, { special, bos: values.bos === true, eos: values.eos === true })));
}

async function addSpecial(argv: string[]): Promise<void> {
  const { values } = parseFlags(argv, { tokenizer: { type: 'string' }, tokens: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' } }, HELP);
  const path = requiredFlag(values.tokenizer, 'tokenizer'), out = requiredFlag(values.out, 'out');
  if (!path.endsWith('.json')) throw new CliError(`--tokenizer ${path}: special tokens can be added to a tokenizer.json (byte-level BPE)`);
  const tokens = requiredFlag(values.tokens, 'tokens').split(',').map((t) => t.trim()).filter(Boolean);
  if (tokens.length === 0) throw new CliError(`--tokens names no token (got '${values.tokens}'); give them comma-separated, e.g. '<|user|>,<|end|>'`);
  if (existsSync(out) && !values.force) throw new CliError(`--out '${out}' exists; pass --force to overwrite it`);
  const { tokenizer, added } = addSpecialTokens(loadTokenizerJson(path), tokens);
  saveTokenizerJson(tokenizer, out);
  console.log(`${out}: ${tokenizer.vocabSize} tokens; added ${added.length ? added.map((t) => `${t} = ${tokenizer.specialTokens.get(t)}`).join(', ') : 'none (it had them all)'}`);
}

async function decode(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(argv, { tokenizer: { type: 'string' } }, HELP, { positionals: true });
  const tok = loadTokenizer(requiredFlag(values.tokenizer, 'tokenizer'));
  const words = positionals.flatMap((p) => p.split(/[\s,[\]]+/).filter(Boolean));
  if (words.length === 0) throw new CliError('give the token ids to decode, e.g. wren tokenizer decode --tokenizer T 403 407 (or "[403, 407]")');
  const ids = words.map((p) => {
    const id = Number(p);
    if (!/^\d+$/.test(p) || id >= tok.vocabSize) throw new CliError(`token id '${p}' is not an integer in [0, ${tok.vocabSize - 1}]`);
    return id;
  });
  process.stdout.write(tok.decode(ids) + '\n');
}

export async function run(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === 'train') return train(rest);
  if (sub === 'encode') return encode(rest);
  if (sub === 'decode') return decode(rest);
  if (sub === 'add-special') return addSpecial(rest);
  if (sub === '--help' || sub === '-h') {
    console.log(HELP);
    return;
  }
  throw new CliError(`unknown or missing subcommand '${sub ?? ''}'\n\n${HELP}`);
}
