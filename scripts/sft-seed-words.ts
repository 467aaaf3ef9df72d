// Does SFT teach the template? On N prompts with fresh seed words (a seed stream no training data
// used), the share of stories that use all three words (whole words or inflections): the base
// model prompted the way it was pretrained (Features / Words / Story lines) against the SFT model
// asked in the chat template ("Write a short story … Use the words: …").
// Usage: node --import tsx scripts/sft-seed-words.ts BASE_DIR SFT_DIR [N] [SEED]
import { createBackend } from '../src/engine/backend.ts';
import { complete } from '../src/generate/generate.ts';
import { loadModel, loadTokenizerFor } from '../src/nn/load.ts';
import { storySeedsForJob } from '../src/data/seeds/sample.ts';
import { defaultVocabulary } from '../src/data/seeds/vocabulary.ts';
import { storyRequest } from '../src/data/synth/chat-examples.ts';
import { seedWordsUsed } from '../src/data/synth/validate.ts';
import { instructPrompt } from '../src/quickstart.ts';
import { chatStopIds, encodeChat } from '../src/tokenizer/chat-template.ts';

const [baseDir, sftDir, nArg, seedArg] = process.argv.slice(2);
if (!baseDir || !sftDir) throw new Error('usage: sft-seed-words.ts BASE_DIR SFT_DIR [N] [SEED]');
const N = Number(nArg ?? 100), seed = Number(seedArg ?? 424242);
const vocab = defaultVocabulary(), backend = await createBackend();
const sample = { temperature: 0.7, topP: 0.9 };

function share(dir: string, chat: boolean): { all3: number; words: number } {
  const { model, files } = loadModel(dir, backend);
  const tokenizer = loadTokenizerFor(files.tokenizer!, model.config);
  let all3 = 0, words = 0;
  for (let i = 0; i < N; i++) {
    const seeds = storySeedsForJob(vocab, seed, i);
    const ids = chat ? encodeChat(tokenizer, [{ role: 'user', content: storyRequest(seeds) }], { addGenerationPrompt: true, bos: true }).ids
      : tokenizer.encode(instructPrompt(seeds), { bos: true });
    const stopIds = chat ? chatStopIds(tokenizer) : undefined;
    const story = complete(model, tokenizer, ids, { ...sample, seed: i, maxTokens: model.contextLength - ids.length, stopIds }).text;
    const used = seedWordsUsed(story, seeds, vocab).length;
    words += used;
    if (used === 3) all3++;
  }
  return { all3, words };
}

const base = share(baseDir, false), sft = share(sftDir, true);
console.log(`${N} prompts with fresh seed words (seed stream ${seed}), temperature ${sample.temperature}, top-p ${sample.topP}; ${backend.description}`);
console.log(`base, pretraining prompt: ${base.all3}/${N} stories use all three words (${base.words}/${3 * N} words)`);
console.log(`SFT, chat template:       ${sft.all3}/${N} stories use all three words (${sft.words}/${3 * N} words)`);
backend.dispose();
