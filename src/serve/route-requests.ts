// The two routes a router answers, as one `RoutedRequest` each, so route-chat.ts has one routing
// path for both: the text the router scores, what the large model is sent, and how an answer is
// shaped into the route's body or chunks.
//   POST /v1/chat/completions  scored on the last message (RouteLLM's controller); the large model
//                              gets the whole conversation
//   POST /v1/completions       scored on the prompt (one string); the large model gets it as one
//                              user message on its chat endpoint (most large APIs have no text
//                              completions), and its answer comes back as a text_completion
import type { TeacherRequest } from '../llm/teacher.ts';
import { badRequest } from './api-error.ts';
import { chatCompletion, chatMessages, checkCompletionFields, completion, type RequestContext } from './completions.ts';
import type { ChatRequest, CompletionRequest } from './openai-schemas.ts';

/** How the large model's answer is written in this route's body and chunks. */
export type RouteShape = {
  idPrefix: string;                                      // chatcmpl | cmpl
  object: string;                                        // of the body
  chunkObject: string;                                   // of a stream's chunks
  choice: (text: string, finishReason: string) => object; // the body's one choice
  opening: () => object[];                                // choices of the opening chunks (chat: the role)
  delta: (text: string) => object;                        // a chunk's choice with new text
  end: (finishReason: string) => object;                  // the last choice chunk
};

export type RoutedRequest = {
  prompt: string;                                        // what the router scores
  large: Omit<TeacherRequest, 'signal'>;                 // what the large model is sent
  stream: boolean;
  includeUsage: boolean;
  /** The small model's answer in this route's shape (the usual handler, the small model named). */
  small: (modelName: string, ctx: RequestContext) => Promise<object> | AsyncIterable<object>;
  shape: RouteShape;
};

const stops = (stop: string | string[] | null | undefined) => stop == null ? undefined : typeof stop === 'string' ? [stop] : stop;

export function routedChat(body: ChatRequest): RoutedRequest {
  if ((body.n ?? 1) !== 1) throw badRequest('n must be 1 when the model is a router', 'n');
  if (body.logprobs) throw badRequest('logprobs are not available when the model is a router', 'logprobs');
  const messages = chatMessages(body);
  return {
    prompt: messages[messages.length - 1].content,
    large: {
      messages, maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined, temperature: body.temperature ?? undefined,
      topP: body.top_p ?? undefined, seed: body.seed ?? undefined, stop: stops(body.stop),
    },
    stream: body.stream === true,
    includeUsage: body.stream_options?.include_usage === true,
    small: (model, ctx) => chatCompletion({ ...body, model }, ctx),
    shape: {
      idPrefix: 'chatcmpl', object: 'chat.completion', chunkObject: 'chat.completion.chunk',
      choice: (text, finish) => ({ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: finish }),
      opening: () => [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
      delta: (text) => ({ index: 0, delta: { content: text }, logprobs: null, finish_reason: null }),
      end: (finish) => ({ index: 0, delta: {}, logprobs: null, finish_reason: finish }),
    },
  };
}

export function routedCompletion(body: CompletionRequest): RoutedRequest {
  checkCompletionFields(body);
  if ((body.n ?? 1) !== 1) throw badRequest('n must be 1 when the model is a router', 'n');
  if (body.logprobs != null) throw badRequest('logprobs are not available when the model is a router', 'logprobs');
  const p = body.prompt;
  const prompt = typeof p === 'string' ? p : p.length === 1 && typeof p[0] === 'string' ? p[0] : undefined;
  if (prompt === undefined) throw badRequest('prompt must be one string when the model is a router (token ids are one model\'s own; send one prompt a request)', 'prompt');
  return {
    prompt,
    large: {
      messages: [{ role: 'user', content: prompt }], maxTokens: body.max_tokens ?? 16, // OpenAI's default for completions, as the small model has
      temperature: body.temperature ?? undefined, topP: body.top_p ?? undefined, seed: body.seed ?? undefined, stop: stops(body.stop),
    },
    stream: body.stream === true,
    includeUsage: body.stream_options?.include_usage === true,
    small: (model, ctx) => completion({ ...body, model, prompt }, ctx),
    shape: {
      idPrefix: 'cmpl', object: 'text_completion', chunkObject: 'text_completion',
      choice: (text, finish) => ({ text, index: 0, logprobs: null, finish_reason: finish }),
      opening: () => [],
      delta: (text) => ({ text, index: 0, logprobs: null, finish_reason: null }),
      end: (finish) => ({ text: '', index: 0, logprobs: null, finish_reason: finish }),
    },
  };
}
