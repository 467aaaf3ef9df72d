// `wren bench sft --model DIR --data CHATS.jsonl`: SFT steps against pretraining steps on the same
// model shape, in one run through the one loop's pieces (CausalLM + AdamW): pretraining batches of
// B random windows, SFT batches of B real conversations (one a row, padded, assistant-only loss).
// Tokens/s counts what a step reads: B·T for pretraining, the conversations' real tokens for SFT
// (padding is not work done), plus the assistant tokens SFT learns from. Medians after a warm-up.
// Options: --steps N (default 8), --batch-size N (default 16), --seq-len N (default the context),
// --threads N (default all cores), --backend B.
import { intFlag, parseFlags, requiredFlag } from '../src/cli/args.ts';
import { CausalLM } from '../src/nn/heads/causal-lm.ts';
import { initParameters } from '../src/nn/init.ts';
import { readConfigFile, resolveModelFiles } from '../src/nn/load.ts';
import { addSpecialTokens } from '../src/tokenizer/add-special.ts';
import { CHATML_SPECIAL_TOKENS } from '../src/tokenizer/chat-template.ts';
import { loadTokenizerJson } from '../src/tokenizer/hf-tokenizer-json.ts';
import { ChatBatches } from '../src/train/batches/chat-examples.ts';
import { readChatData } from '../src/train/chat-data.ts';
import { AdamW, clipScale } from '../src/train/optimizer.ts';
import { createTrainingBackend } from '../src/train/trainer.ts';
import { SeededRng } from '../src/util/rng.ts';
import { figureLine, machineLine, median, ranOn } from './_machine.ts';

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, {
    model: { type: 'string' }, data: { type: 'string' }, steps: { type: 'string' }, 'batch-size': { type: 'string' },
    'seq-len': { type: 'string' }, threads: { type: 'string' }, backend: { type: 'string' },
  }, 'usage: wren bench sft --model DIR --data CHATS.jsonl [--steps N] [--batch-size N] [--seq-len N] [--threads N] [--backend B]');
  const files = resolveModelFiles(requiredFlag(v.model, 'model'));
  const { tokenizer } = addSpecialTokens(loadTokenizerJson(files.tokenizer!), CHATML_SPECIAL_TOKENS);
  const config = { ...readConfigFile(files.config!), vocab_size: tokenizer.vocabSize };
  const B = intFlag(v['batch-size'], 'batch-size', 16, 1, 1024), T = intFlag(v['seq-len'], 'seq-len', config.max_position_embeddings, 8, config.max_position_embeddings);
  const steps = intFlag(v.steps, 'steps', 8, 1, 1000);
  const data = await readChatData(requiredFlag(v.data, 'data'), tokenizer, T + 1, { skipBad: true });
  const backend = await createTrainingBackend((v.backend as 'wasm' | undefined) ?? 'auto', v.threads ? intFlag(v.threads, 'threads', 1, 1, 16) : undefined);
  console.log(machineLine());
  const model = new CausalLM(config, backend, B, T);
  initParameters(model.params, config, 1);
  const opt = new AdamW(backend, model.params, { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 });
  const rng = new SeededRng(5), windows = new Int32Array(B * (T + 1)), chats = new ChatBatches(model, data.examples);
  const timed = (put: () => number) => {
    const ms: number[] = [];
    let tokens = 0, learned = 0;
    for (let s = 0; s <= steps; s++) {
      const t0 = performance.now();
      const n = put();
      model.zeroGrads();
      model.trainForward(1);
      model.backward();
      opt.update(model.grads, 1e-4, clipScale(opt.gradNorm(model.grads), 1));
      if (s > 0) { ms.push(performance.now() - t0); tokens += n; learned += model.countedTargets(); } // step 0 warms up
    }
    const secs = median(ms) / 1000;
    return { tokens_per_s: Math.round(tokens / steps / secs), learned_tokens_per_s: Math.round(learned / steps / secs), ms_per_step: Math.round(secs * 1000) };
  };
  const pre = timed(() => {
    for (let i = 0; i < windows.length; i++) windows[i] = rng.below(config.vocab_size);
    model.setBatch(windows);
    return B * T;
  });
  const sft = timed(() => chats.next(rng));
  const shape = `${config.num_hidden_layers}x${config.hidden_size}, vocab ${config.vocab_size}, B ${B} x T ${T}`;
  console.log(figureLine({ case: 'pretraining', shape, backend: backend.description, ...pre, steps }, ranOn(backend)));
  console.log(figureLine({ case: 'sft', shape, backend: backend.description, ...sft, steps, sft_over_pretraining: +(sft.tokens_per_s / pre.tokens_per_s).toFixed(3), conversations: data.examples.length }, ranOn(backend)));
  backend.dispose();
}
