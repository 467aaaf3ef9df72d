// Request bodies of the OpenAI routes Wren serves, as zod schemas. Unknown fields are ignored (as
// llama.cpp's and vLLM's servers do); fields Wren cannot honour are refused by name in the handlers.
import { z } from 'zod';

const stop = z.union([z.string(), z.array(z.string()).max(4)], { error: 'must be a string or an array of at most 4 strings' }).nullish();
const tokenIds = z.array(z.number().int().nonnegative());

/** Sampling and length fields both routes share. */
const common = {
  model: z.string().min(1).optional(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  top_k: z.number().int().min(0).nullish(),                 // an extension (llama.cpp, vLLM)
  repetition_penalty: z.number().gt(0).max(100).nullish(),  // an extension (vLLM)
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  n: z.number().int().min(1).max(16).nullish(),
  seed: z.number().int().nullish(),
  stop,
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  max_tokens: z.number().int().nullish(),
  logit_bias: z.record(z.string(), z.number()).nullish(),
  user: z.string().nullish(),
};

export const completionRequest = z.object({
  ...common,
  prompt: z.union([z.string(), z.array(z.string()).min(1), tokenIds.min(1), z.array(tokenIds.min(1)).min(1)],
    { error: 'must be a string, an array of strings, an array of token ids or an array of such arrays' }).default(''),
  logprobs: z.number().int().min(0).max(5).nullish(),
  echo: z.boolean().nullish(),
  best_of: z.number().int().min(1).nullish(),
  suffix: z.string().nullish(),
});
export type CompletionRequest = z.infer<typeof completionRequest>;

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const message = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant']),
  content: z.union([z.string(), z.array(textPart)]).nullish(),
  name: z.string().optional(),
});

export const chatRequest = z.object({
  ...common,
  messages: z.array(message).min(1),
  max_completion_tokens: z.number().int().nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
  tools: z.array(z.unknown()).nullish(),
  functions: z.array(z.unknown()).nullish(),
  response_format: z.object({ type: z.string() }).nullish(),
});
export type ChatRequest = z.infer<typeof chatRequest>;
