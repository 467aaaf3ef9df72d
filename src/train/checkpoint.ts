// Training checkpoints. RUN/checkpoint/ is a model folder the commands load (what the trained
// thing writes: for a causal LM config.json + model.safetensors + the tokenizer, for a classifier
// its own files), plus the state a resumed run needs to continue bit for bit:
//   optimizer.safetensors            AdamW moments: "m" and "v", each the whole parameter block
//                                    flattened (the order of the parameter table), float32
//   trainer.json                     { format: "wren-trainer-state", version: 2, step, tokens,
//                                      adam_step, rng_state, source_state, fingerprint, val_loss,
//                                      seconds }  (seconds: training time so far, for a run with a time budget)
//                                    (version 1, from pretraining only, had tokenizer_sha256 where
//                                    version 2 has fingerprint: it is read as such)
// The folder is written whole under a temporary name and renamed into place; the previous
// checkpoint is removed only after that, so a failure at any point (a full disk included) leaves
// the last good checkpoint as it was.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileError, WrenError } from '../errors.ts';
import { makeDir, writeFileAtomic } from '../formats/atomic.ts';
import { encodeSafetensors, readSafetensors } from '../formats/safetensors.ts';
import { fromHfTensors, toHfTensors } from '../formats/hf-llama.ts';
import { writeHfFolderMetadata } from '../formats/hf-folder.ts';
import { loadTokenizer } from '../tokenizer/load-tokenizer.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { toHfConfigJson, type LlamaConfig } from '../nn/config.ts';
import type { ParameterBlock } from '../nn/weights.ts';

export const TRAINER_STATE_FORMAT = 'wren-trainer-state';

export type TrainerState = {
  format: string;
  version: 2;
  step: number;             // updates done
  tokens: number;           // training tokens seen
  adam_step: number;
  rng_state: number;        // SeededRng state after the last batch drawn
  source_state: unknown;    // what else the batch source needs to go on exactly (null: nothing)
  fingerprint: Record<string, string>; // what the run was started on; a resume must match it
  val_loss: number | null;
  seconds?: number;         // training time so far (a time budget counts across resumes)
};

/** How a trained thing puts its loadable files into a checkpoint folder and reads its weights back. */
export type ModelFiles = {
  write(dir: string, writeFile: WriteFile): void;
  read(dir: string): void;
};

export type CheckpointParts = {
  files: ModelFiles;
  m: ParameterBlock;
  v: ParameterBlock;
  state: TrainerState;
};

/** A causal LM's checkpoint files: config.json, model.safetensors (HF names) and a tokenizer copy. */
export function causalLmFiles(config: LlamaConfig, params: ParameterBlock, tokenizerPath: string): ModelFiles {
  let tokenizer: Tokenizer | undefined; // read once, at the first checkpoint
  return {
    write(dir, writeFile) {
      writeFile(join(dir, 'model.safetensors'), encodeSafetensors(toHfTensors(config, params), { format: 'pt' }));
      writeFile(join(dir, 'config.json'), JSON.stringify(toHfConfigJson(config), null, 2) + '\n');
      writeFile(join(dir, tokenizerPath.endsWith('.json') ? 'tokenizer.json' : 'tokenizer.bin'), readFileSync(tokenizerPath));
      // The rest of a complete HF folder: generation_config.json, tokenizer_config.json, special_tokens_map.json.
      writeHfFolderMetadata(dir, config, { tokenizer: (tokenizer ??= loadTokenizer(tokenizerPath)) }, writeFile);
    },
    read(dir) {
      const { tensors } = readSafetensors(join(dir, 'model.safetensors'));
      fromHfTensors(config, tensors, params, join(dir, 'model.safetensors'));
    },
  };
}

/** The function that writes one file; tests pass a double that fails like a full disk. */
export type WriteFile = (path: string, data: Uint8Array | string) => void;

export function checkpointDir(runDir: string): string {
  return join(runDir, 'checkpoint');
}

export function writeCheckpoint(runDir: string, parts: CheckpointParts, writeFile: WriteFile = writeFileAtomic): void {
  const final = checkpointDir(runDir), tmp = join(runDir, `.checkpoint-tmp-${process.pid}`), old = join(runDir, '.checkpoint-old');
  try {
    makeDir(runDir);
    // Temporary folders of runs killed mid-write (any pid) are never a checkpoint: clear them.
    for (const name of readdirSync(runDir)) if (name.startsWith('.checkpoint-tmp-')) rmSync(join(runDir, name), { recursive: true, force: true });
    mkdirSync(tmp);
  } catch (err) {
    throw fileError(runDir, err, 'write');
  }
  try {
    parts.files.write(tmp, writeFile);
    writeFile(join(tmp, 'optimizer.safetensors'), encodeSafetensors([
      ['m', { shape: [parts.m.size], data: parts.m.all() }],
      ['v', { shape: [parts.v.size], data: parts.v.all() }],
    ], { adam_step: String(parts.state.adam_step) }));
    writeFile(join(tmp, 'trainer.json'), JSON.stringify(parts.state, null, 2) + '\n');
    rmSync(old, { recursive: true, force: true });
    if (existsSync(final)) renameSync(final, old);
    renameSync(tmp, final);
    rmSync(old, { recursive: true, force: true });
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(final) && existsSync(old)) renameSync(old, final);
    if (err instanceof WrenError) throw new WrenError(`checkpoint not written (the previous one is kept): ${err.message}`);
    throw new WrenError(`checkpoint not written (the previous one is kept): ${(err as Error).message}`);
  }
}

/** The checkpoint folder of a run, recovering one left as `.checkpoint-old` by a crash mid-rename. */
export function findCheckpoint(runDir: string): string | null {
  const final = checkpointDir(runDir), old = join(runDir, '.checkpoint-old');
  if (existsSync(join(final, 'trainer.json'))) return final;
  if (existsSync(join(old, 'trainer.json'))) return old;
  return null;
}

/** Load weights, moments and trainer state from `dir` into the given blocks. */
export function readCheckpoint(dir: string, files: ModelFiles, m: ParameterBlock, v: ParameterBlock): TrainerState {
  const path = join(dir, 'trainer.json');
  let raw: Omit<TrainerState, 'version'> & { version: number; tokenizer_sha256?: string };
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new WrenError(`${path}: cannot read trainer state (${(err as Error).message})`);
  }
  if (raw.format !== TRAINER_STATE_FORMAT || (raw.version !== 1 && raw.version !== 2)) throw new WrenError(`${path}: not a Wren trainer state (format ${TRAINER_STATE_FORMAT}, version 1 or 2)`);
  const state: TrainerState = raw.version === 2 ? { ...raw, version: 2 } : {
    ...raw, version: 2, source_state: null, fingerprint: { tokenizer_sha256: raw.tokenizer_sha256 ?? '' },
  };
  files.read(dir);
  const opt = readSafetensors(join(dir, 'optimizer.safetensors')).tensors;
  for (const [name, block] of [['m', m], ['v', v]] as const) {
    const t = opt.get(name);
    if (!t || t.data.length !== block.size) throw new WrenError(`${join(dir, 'optimizer.safetensors')}: '${name}' missing or of the wrong size for this model (${t?.data.length} vs ${block.size})`);
    block.all().set(t.data);
  }
  return state;
}
