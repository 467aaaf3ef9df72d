// `wren <command> [args]`: a thin dispatcher. Each command lives in its own file and is loaded
// lazily, so `wren generate` never pays for the tokenizer trainer's imports.
import { CliError } from './args.ts';
import { systemError } from '../errors.ts';

type CommandModule = { run(argv: string[]): Promise<void> };

const commands: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  data: { summary: 'dataset report (stats FILE.jsonl), the seed vocabulary (vocab), SFT chats from Instruct records (chat)', load: () => import('./data.ts') },
  synth: { summary: 'synthesise stories, instruct records or textbooks from a teacher (resumable JSONL)', load: () => import('./synth.ts') },
  generate: { summary: 'generate text from a model (streams to stdout)', load: () => import('./generate.ts') },
  init: { summary: 'write a randomly initialised model (safetensors + config.json)', load: () => import('./init.ts') },
  filter: { summary: 'filter data by quality and educational value (recipes web | code | stories)', load: () => import('./filter.ts') },
  bench: { summary: 'run a benchmark: generate | kernels | train | sft | tokenizer | filter | …', load: () => import('./bench.ts') },
  tokenizer: { summary: 'train a BPE tokenizer; encode / decode with any tokenizer file; add special tokens', load: () => import('./tokenizer.ts') },
  tokenize: { summary: 'turn text or JSONL into token shards for training', load: () => import('./tokenize.ts') },
  train: { summary: 'train a model on token shards (checkpoints, resume, metrics)', load: () => import('./train.ts') },
  sft: { summary: 'supervised fine-tuning on chat conversations (OpenAI format), loss on the assistant only', load: () => import('./sft.ts') },
  dpo: { summary: 'preference optimisation (DPO) of a chat model on chosen/rejected pairs', load: () => import('./dpo.ts') },
  guard: { summary: 'the safety classifier: train on the shared safety sets, check texts, evaluate (precision, recall, F1, FPR, AUPRC)', load: () => import('./guard.ts') },
  redteam: { summary: 'attack a served model with safety suites × transforms; attack success and over-refusal scorecard', load: () => import('./redteam.ts') },
  safety: { summary: 'safety post-training data: refusal chats and DPO pairs from the safety sets (safety data)', load: () => import('./safety.ts') },
  serve: { summary: 'an OpenAI-compatible HTTP server (completions, chat, streaming, metrics) with continuous batching', load: () => import('./serve.ts') },
  router: { summary: 'route prompts between a small and a large model: train, calibrate, eval (APGR, CPT), score', load: () => import('./router.ts') },
  playground: { summary: 'write the browser playground with a model as a static site (playground build)', load: () => import('./playground.ts') },
  chat: { summary: 'chat with a model that has a chat template (from sft) in the terminal', load: () => import('./chat.ts') },
  export: { summary: 'write a model as a GGUF file for llama.cpp (f32, f16, q8_0, q4_0) or an HF folder for transformers', load: () => import('./export.ts') },
  quantize: { summary: 'write a model with 8-bit (q8_0) or 4-bit (q4_0) matrices as GGUF; Wren and llama.cpp run it', load: () => import('./quantize.ts') },
  task: { summary: 'task setups (support chat, summarise, copy): data → split → SFT → eval against references → served model', load: () => import('./task.ts') },
  eval: { summary: 'validation loss per token and bits per byte of a model', load: () => import('./eval.ts') },
  plot: { summary: 'draw a training run\'s loss curves as SVG', load: () => import('./plot.ts') },
  recipe: { summary: 'recipe tinystories: real story text → tokenizer, a model sized to the time budget, bits per byte on held-out text', load: () => import('./recipe.ts') },
  quickstart: { summary: 'the main job: synthesise stories, train a tokenizer and a small model, write stories', load: () => import('./quickstart.ts') },
  doctor: { summary: 'print the backend, SIMD level and thread count in use', load: () => import('./doctor.ts') },
};

function usage(): string {
  const rows = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
  return `usage: wren <command> [options]\n\ncommands:\n${rows.join('\n')}\n\nRun 'wren <command> --help' for a command's options.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 1;
  }
  const command = commands[name];
  if (!command) {
    console.error(`wren: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    const mod = await command.load();
    await mod.run(rest);
    return 0;
  } catch (err) {
    if (err instanceof CliError || (err instanceof Error && err.name === 'WrenError')) {
      console.error(`wren ${name}: ${err.message}`);
      return 2;
    }
    // A file error no command caught (a folder given as a file, a full disk): one line, not a stack.
    const sys = systemError(err);
    if (sys) {
      console.error(`wren ${name}: ${sys.message}`);
      return 2;
    }
    throw err;
  }
}

// `wren … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  const sys = systemError(err); // a full disk under `> out.txt`: one line on stderr, not a stack
  if (sys) { console.error(`wren: cannot write the output: ${sys.message}`); process.exit(1); }
  throw err;
});
process.exitCode = await main(process.argv.slice(2));
