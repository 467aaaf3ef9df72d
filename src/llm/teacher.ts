// The one interface every teacher implements: the OpenAI-compatible HTTP client, the local GGUF
// model and the built-in offline story grammar. A teacher answers a chat request with text plus
// token usage. Callers that have structured seeds (the synth run) pass them in `job` too, so a
// teacher that writes from seeds rather than from prompts (builtin) can do its work; LLM teachers
// read only `messages`. Other subsystems (e.g. LLM annotation in data/filter) use `complete` with
// plain messages and no job. This folder (src/llm) is the one place for clients of other models:
// synthesis, annotation, judging, red-teaming and routing all import from here.

import type { ChatMessage } from '../tokenizer/chat-template.ts';

export type { ChatMessage, ChatRole } from '../tokenizer/chat-template.ts';

/** The structured seeds of one story (TinyStories recipe). */
export type StorySeeds = { noun: string; verb: string; adjective: string; features: string[] };
/** The structured seeds of one textbook section (Phi recipe). */
export type TextbookSeeds = { topic: string; audience: string; style: string; domain: string };

/** What a synth run asks for, beside the rendered prompt. */
export type TeacherJob =
  | { kind: 'story'; seeds: StorySeeds; sampleSeed: number }
  | { kind: 'summary'; seeds: StorySeeds; story: string; sampleSeed: number }
  | { kind: 'textbook'; seeds: TextbookSeeds; sampleSeed: number };

export type TeacherRequest = {
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  /** sampling seed, passed to backends that accept one */
  seed?: number;
  /** nucleus sampling and stop strings, for clients that forward them (the router's large model) */
  topP?: number;
  stop?: string[];
  signal?: AbortSignal;
  job?: TeacherJob;
};

export type TeacherUsage = { promptTokens: number; completionTokens: number };

export type TeacherReply = {
  text: string;
  usage: TeacherUsage;
  /** the model that answered, as the backend names it */
  model: string;
  finishReason?: string;
  /** a one-line summary, when the teacher wrote one with the story (builtin does) */
  summary?: string;
};

/** Running totals a teacher keeps for the final report. */
export type TeacherStats = {
  requests: number;
  retries: number;
  failures: number;
  promptTokens: number;
  completionTokens: number;
  /** in US dollars, from the prices the teacher was given; 0 when none */
  costUsd: number;
};

export interface Teacher {
  /** recorded in every record's "teacher" field: "builtin", "openai:gpt-4o-mini", "gguf:model.gguf" … */
  readonly id: string;
  /** the job kinds this teacher can do; the synth run checks before it starts */
  supports(kind: TeacherJob['kind']): boolean;
  complete(request: TeacherRequest): Promise<TeacherReply>;
  stats(): TeacherStats;
  close(): Promise<void>;
}

export function emptyTeacherStats(): TeacherStats {
  return { requests: 0, retries: 0, failures: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };
}

/** Rough token count (~4 characters a token in English), only for a server that reports no usage. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
