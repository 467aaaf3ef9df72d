// TinyStories-Instruct records: the text a model is trained on carries the constraints first,
// then the story, so the model learns to follow them:
//
//   Features: Dialogue, Twist
//   Words: hang, foot, cute
//   Summary: Lily and Ben play in the park ...
//   Random sentence: She swings higher and higher.      (only in some records)
//   Story:
//
//   Lily and Ben are friends. ...
import { Rng } from '../seeds/rng.ts';
import type { StorySeeds } from '../../llm/teacher.ts';

/** Sentences of a story, split at . ! ? (keeping closing quotes with their sentence). */
export function storySentences(story: string): string[] {
  return (story.match(/[^.!?]+[.!?]+["”]?/g) ?? []).map((s) => s.trim()).filter((s) => s.length > 0);
}

export function pickRandomSentence(story: string, rng: Rng): string {
  const sentences = storySentences(story).filter((s) => (s.match(/"/g) ?? []).length % 2 === 0 && /^[A-Z"]/.test(s));
  return sentences.length === 0 ? '' : rng.pick(sentences);
}

export function instructText(seeds: StorySeeds, summary: string, story: string, randomSentence: string): string {
  const lines = [`Features: ${seeds.features.join(', ')}`, `Words: ${seeds.verb}, ${seeds.noun}, ${seeds.adjective}`, `Summary: ${summary}`];
  if (randomSentence) lines.push(`Random sentence: ${randomSentence}`);
  lines.push('Story:', '', story);
  return lines.join('\n');
}
