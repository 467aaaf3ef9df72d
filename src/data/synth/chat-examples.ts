// Chat examples from TinyStories-Instruct records (what `wren synth instruct` writes with any
// teacher, the built-in one included): each record becomes conversations in the OpenAI fine-tuning
// format for the tasks it can teach —
//   story:     "Write a short story … use the words: …" (+ its features)  → the story
//   summarize: "Summarize this story in one sentence: …"                   → the summary
// so `wren sft` runs end to end with no key. Which task a record teaches is a seeded draw.
// Real stories (plain text, `<|endoftext|>`-separated) teach the story task too: their seeds are
// read back from the text (seeds/from-story.ts), several different triples per story.
import { WrenError } from '../../errors.ts';
import { readDocuments } from '../../train/tokenize.ts';
import { seedsFromStory } from '../seeds/from-story.ts';
import { Rng } from '../seeds/rng.ts';
import type { Vocabulary } from '../seeds/vocabulary.ts';
import type { ChatMessage } from '../../tokenizer/chat-template.ts';
import { readLines } from '../../util/read-lines.ts';
import { mulberry32 } from '../../util/rng.ts';
import type { StorySeeds } from '../../llm/teacher.ts';

export type ChatRecord = { messages: ChatMessage[]; task: 'story' | 'summarize'; index: number };

const FEATURE_PHRASES: Record<string, string> = {
  Dialogue: 'should contain at least one dialogue', BadEnding: 'has a bad ending', MoralValue: 'teaches a lesson',
  Twist: 'has a plot twist', Foreshadowing: 'uses foreshadowing', Conflict: 'has a conflict',
};

/** The story request for seeds, as a user would ask it. */
export function storyRequest(seeds: StorySeeds): string {
  const features = seeds.features.map((f) => FEATURE_PHRASES[f] ?? f);
  return `Write a short story for a small child. Use the words: ${seeds.verb}, ${seeds.noun}, ${seeds.adjective}.` +
    (features.length ? ` The story ${features.join(' and ')}.` : '');
}

export function chatRecordsFromInstruct(rec: Record<string, unknown>, rand: () => number): ChatRecord[] {
  const seeds = rec.seeds as StorySeeds | undefined, story = rec.story, summary = rec.summary, index = Number(rec.index ?? 0);
  if (!seeds || typeof story !== 'string' || typeof summary !== 'string') throw new Error('not an Instruct record (needs seeds, story and summary)');
  if (rand() < 0.75) return [{ task: 'story', index, messages: [{ role: 'user', content: storyRequest(seeds) }, { role: 'assistant', content: story }] }];
  return [{ task: 'summarize', index, messages: [{ role: 'user', content: `Summarize this story in one sentence:\n\n${story}` }, { role: 'assistant', content: summary }] }];
}

/** Chat records of every Instruct record in `file`, in order. */
export async function chatExamplesFromFile(file: string, seed = 1): Promise<ChatRecord[]> {
  const rand = mulberry32(seed), out: ChatRecord[] = [];
  let lineNo = 0;
  for await (const line of readLines(file)) {
    lineNo++;
    if (!line.trim()) continue;
    try {
      out.push(...chatRecordsFromInstruct(JSON.parse(line), rand));
    } catch (err) {
      throw new WrenError(`${file}:${lineNo}: ${err instanceof SyntaxError ? 'not valid JSON' : (err as Error).message}`);
    }
  }
  return out;
}

/** Write-a-story conversations from real stories: up to `perStory` seed triples each, read from
 *  the story's own words and features; stories that use no noun, verb or adjective of the
 *  vocabulary are left out (counted). */
export async function chatExamplesFromStories(file: string, vocab: Vocabulary, perStory: number, seed = 1): Promise<{ chats: ChatRecord[]; skipped: number }> {
  const chats: ChatRecord[] = [];
  let index = 0, skipped = 0;
  for await (const story of readDocuments(file)) {
    const triples = seedsFromStory(story, vocab, Rng.forJob(seed, index, 3), perStory);
    if (triples.length === 0) skipped++;
    for (const seeds of triples) chats.push({ task: 'story', index, messages: [{ role: 'user', content: storyRequest(seeds) }, { role: 'assistant', content: story }] });
    index++;
  }
  return { chats, skipped };
}
