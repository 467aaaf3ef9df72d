// Supervised fine-tuning (`wren sft`): a pretrained model folder, conversations in the OpenAI
// format (chat-data.ts), the loss on the assistant's tokens only, trained by the one loop.
// A base tokenizer without the chat template's markers gets them (add-special.ts: new ids after
// the vocabulary, nothing retrained) and the model grows matching embedding rows, started as the
// mean of the existing rows (a neutral point the markers' meaning is learned from). The result
// (RUN/checkpoint) is a model folder with the tokenizer, its chat template (tokenizer_config.json,
// special_tokens_map.json) and the token ids in config.json and generation_config.json, which
// `wren generate --chat`, every other command and transformers load.
import { join, resolve } from 'node:path';
import type { Backend } from '../engine/backend.ts';
import { WrenError } from '../errors.ts';
import { ensureWritableDir } from '../formats/atomic.ts';
import { fromHfTensors } from '../formats/hf-llama.ts';
import { readSafetensors } from '../formats/safetensors.ts';
import type { LlamaConfig } from '../nn/config.ts';
import type { ParameterBlock } from '../nn/weights.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { CausalLM } from '../nn/heads/causal-lm.ts';
import { readConfigFile, resolveModelFiles } from '../nn/load.ts';
import { addSpecialTokens } from '../tokenizer/add-special.ts';
import { CHATML_SPECIAL_TOKENS } from '../tokenizer/chat-template.ts';
import { writeHfFolderMetadata } from '../formats/hf-folder.ts';
import { loadTokenizerJson, saveTokenizerJson } from '../tokenizer/hf-tokenizer-json.ts';
import { ChatBatches } from './batches/chat-examples.ts';
import { causalLmFiles, type ModelFiles } from './checkpoint.ts';
import { readChatData, type ChatData } from './chat-data.ts';
import { runTrainingLoop, type LoopSettings, type TrainProgress, type TrainResult } from './loop.ts';
import { createTrainingBackend } from './trainer.ts';

export type SftOptions = {
  model: string;                 // base model folder (config.json, model.safetensors, tokenizer.json)
  data: string;                  // training conversations (JSONL)
  val?: string;                  // held-out conversations
  out: string;                   // run folder
  batchSize: number;
  seqLen: number;                // window T (a conversation may take T + 1 tokens)
  settings: LoopSettings;
  skipBad?: boolean;
  resume?: boolean;
  dropout?: number;              // training noise (CausalLM), 0 by default
  threads?: number;
  backend?: 'reference' | 'wasm' | 'native' | 'auto';
  signal?: AbortSignal;
  budgetSeconds?: number;        // training time after which the run ends, its schedule decayed (loop.ts)
  onProgress?: (p: TrainProgress) => void;
  onData?: (train: ChatData, val: ChatData | undefined) => void;
};

/** A chat model's checkpoint files: the causal LM's, plus the HF metadata with its chat template
 *  (config.json and generation_config.json with the token ids, tokenizer_config.json, special_tokens_map.json). */
export function chatLmFiles(config: LlamaConfig, params: ParameterBlock, tokenizerPath: string, tokenizer: Tokenizer): ModelFiles {
  const lm = causalLmFiles(config, params, tokenizerPath);
  return {
    write: (dir, wf) => {
      lm.write(dir, wf);
      writeHfFolderMetadata(dir, config, { tokenizer, chat: true }, wf);
    },
    read: lm.read,
  };
}

/** The base model's HF tensors with `extra` embedding rows (and LM-head rows) appended. */
function growVocabulary(tensors: Map<string, { shape: number[]; data: Float32Array }>, extra: number): void {
  for (const name of ['model.embed_tokens.weight', 'lm_head.weight']) {
    const t = tensors.get(name);
    if (!t || extra === 0) continue;
    const [V, C] = t.shape, data = new Float32Array((V + extra) * C);
    data.set(t.data);
    const mean = new Float32Array(C);
    for (let v = 0; v < V; v++) for (let c = 0; c < C; c++) mean[c] += t.data[v * C + c] / V;
    for (let r = 0; r < extra; r++) data.set(mean, (V + r) * C);
    tensors.set(name, { ...t, shape: [V + extra, C], data });
  }
}

export async function runSft(o: SftOptions, backendIn?: Backend): Promise<TrainResult & { data: ChatData }> {
  const files = resolveModelFiles(o.model);
  if (files.kind !== 'folder' || !files.tokenizer?.endsWith('.json')) {
    throw new WrenError(`--model ${o.model}: SFT starts from a model folder with config.json, model.safetensors and tokenizer.json (a byte-level BPE tokenizer)`);
  }
  const base = readConfigFile(files.config!);
  const { tokenizer, added } = addSpecialTokens(loadTokenizerJson(files.tokenizer), CHATML_SPECIAL_TOKENS);
  if (tokenizer.vocabSize - added.length !== base.vocab_size) throw new WrenError(`${files.tokenizer}: ${tokenizer.vocabSize - added.length} tokens, but ${files.config} says vocab_size ${base.vocab_size}`);
  const config: LlamaConfig = { ...base, vocab_size: tokenizer.vocabSize };
  if (o.seqLen > config.max_position_embeddings) throw new WrenError(`--seq-len ${o.seqLen} exceeds the model's context of ${config.max_position_embeddings}`);
  const train = await readChatData(o.data, tokenizer, o.seqLen + 1, { skipBad: o.skipBad });
  const val = o.val ? await readChatData(o.val, tokenizer, o.seqLen + 1, { skipBad: o.skipBad }) : undefined;
  o.onData?.(train, val);

  ensureWritableDir(o.out);
  const tokenizerPath = join(o.out, 'tokenizer.json');
  saveTokenizerJson(tokenizer, tokenizerPath);
  const backend = backendIn ?? await createTrainingBackend(o.backend, o.threads);
  const mark = backend.arena.mark();
  try {
    const model = new CausalLM(config, backend, o.batchSize, o.seqLen, o.dropout ?? 0);
    const { tensors } = readSafetensors(files.weights);
    growVocabulary(tensors, added.length);
    fromHfTensors(config, tensors, model.params, files.weights);
    const result = await runTrainingLoop({
      runDir: o.out, model, source: new ChatBatches(model, train.examples, val?.examples), settings: o.settings, files: chatLmFiles(config, model.params, tokenizerPath, tokenizer),
      fingerprint: { base_model: resolve(files.weights), conversations: String(train.examples.length) },
      resume: o.resume, signal: o.signal, onProgress: o.onProgress, budgetSeconds: o.budgetSeconds,
    });
    return { ...result, data: train };
  } finally {
    if (!backendIn) backend.dispose();
    else backend.arena.release(mark);
  }
}
