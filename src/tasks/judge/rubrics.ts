// The judge's prompts. Each rubric names its criteria (scored 1–10) and builds one user message;
// every prompt ends by asking for one line the parser reads ("Name: X/10, …"), so any chat model
// can be the judge.
//
// Stories: TinyStories' GPT-Eval (Eldan & Li 2023, §3): the story's prescribed beginning and the
// model's completion joined by "***", a general assessment, then grades for grammar, creativity,
// consistency with the beginning and whether the plot makes sense, and a guess of the writer's age
// group (A: 3 or under … F: 13-16). The paper asks in two turns (assessment, then grades); here
// both are one message, with the answer line spelt out, so one request scores one story.
//
// Tasks (support, summarize, copy): Wren's own rubric: the instructions the model was given, the
// user's message, one reference answer (an example, not the only right answer) and the answer to
// grade, with four criteria per kind.
import type { ChatMessage } from '../../llm/teacher.ts';
import type { TaskConfig } from '../config.ts';

export type Rubric = { name: string; criteria: string[]; ageGroup: boolean };

export const AGE_GROUPS: Record<string, string> = { A: '3 or under', B: '4-5', C: '6-7', D: '8-9', E: '10-12', F: '13-16' };

export const STORY_RUBRIC: Rubric = { name: 'gpt-eval', criteria: ['grammar', 'creativity', 'consistency', 'plot'], ageGroup: true };

const title = (s: string) => s[0].toUpperCase() + s.slice(1);
export const answerLine = (r: Rubric) => [...r.criteria.map((c) => `${title(c)}: X/10`), ...(r.ageGroup ? ['Age group: L'] : [])].join(', ');

export function storyPrompt(beginning: string, completion: string): ChatMessage[] {
  const content = [
    'In the following exercise, the student is given a beginning of a story. The student needs to complete it into a full story. ' +
      "The exercise tests the student's language abilities and creativity. The symbol *** marks the separator between the prescribed beginning and the student's completion:",
    '',
    `${beginning.trimEnd()}***${completion}`,
    '',
    'Please provide your general assessment about the part written by the student (the one after the *** symbol). Is it grammatically correct? ' +
      'Is it consistent with the beginning of the story? Pay special attention to whether the student manages to complete the sentence which is split in the middle by the separator ***.',
    '',
    "Now, grade the student's completion in terms of grammar, creativity, consistency with the story's beginning and whether the plot makes sense, each an integer from 1 to 10. " +
      'Moreover, please provide your best guess of what the age of the student might be, as reflected from the completion. ' +
      `Choose from possible age groups: ${Object.entries(AGE_GROUPS).map(([k, v]) => `${k}: ${v}.`).join(' ')}`,
    '',
    `End your answer with exactly one line in this form, X a number and L a letter: ${answerLine(STORY_RUBRIC)}`,
  ].join('\n');
  return [{ role: 'user', content }];
}

type Kind = TaskConfig['kind'];

const TASK_CRITERIA: Record<Kind, { what: string; criteria: [string, string][] }> = {
  support: {
    what: "a customer support agent's reply to a customer's message",
    criteria: [
      ['accuracy', "answers the customer's actual request (the same need the reference answers), with nothing wrong or off-topic"],
      ['helpfulness', 'gives concrete, usable steps or information'],
      ['placeholders', 'where a detail is unknown (order number, website, phone) it keeps a {{Placeholder}} slot, as the reference does, and makes up no specific detail'],
      ['fluency', 'clear, grammatical, polite, without repetition'],
    ],
  },
  summarize: {
    what: 'a one-sentence summary (TLDR) of a paper abstract',
    criteria: [
      ['faithfulness', 'says only what the abstract supports'],
      ['coverage', "states the abstract's main contribution"],
      ['concision', 'one short sentence, no filler'],
      ['fluency', 'clear and grammatical, without repetition'],
    ],
  },
  copy: {
    what: 'a short slogan for a company, written from its description',
    criteria: [
      ['relevance', 'fits what the company does'],
      ['creativity', 'memorable and original rather than generic'],
      ['concision', 'short, as a slogan is'],
      ['fluency', 'grammatical and natural'],
    ],
  },
};

export function taskRubric(kind: Kind): Rubric {
  return { name: `task-${kind}`, criteria: TASK_CRITERIA[kind].criteria.map(([c]) => c), ageGroup: false };
}

export function taskPrompt(kind: Kind, system: string, input: string, reference: string, answer: string): ChatMessage[] {
  const k = TASK_CRITERIA[kind], rubric = taskRubric(kind);
  const content = [
    `You are grading ${k.what}.${system ? ` The writer was instructed: "${system}"` : ''}`,
    '',
    '[INPUT]', input, '',
    '[REFERENCE ANSWER] (one good answer; a different answer can be as good)', reference, '',
    '[ANSWER TO GRADE]', answer.trim() === '' ? '(empty)' : answer, '',
    'Grade the answer to grade, not the reference. Score each criterion as an integer from 1 (worst) to 10 (best):',
    ...k.criteria.map(([c, d]) => `- ${title(c)}: ${d}`),
    '',
    `Write one or two sentences of assessment, then end with exactly one line in this form, X a number: ${answerLine(rubric)}`,
  ].join('\n');
  return [{ role: 'user', content }];
}
