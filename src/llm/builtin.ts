// The built-in offline teacher: writes TinyStories-style stories from seeds with the story
// grammar in src/data/story, no model, no network. It reads the structured job, not the prompt,
// and answers a story job with the story and its one-line summary. It cannot write textbooks or
// answer free-form prompts; asked to, it says which teachers can.
import { WrenError } from '../errors.ts';
import { defaultVocabulary, type Vocabulary } from '../data/seeds/vocabulary.ts';
import { writeStory } from '../data/story/plot.ts';
import { emptyTeacherStats, type Teacher, type TeacherJob, type TeacherReply, type TeacherRequest, type TeacherStats } from './teacher.ts';

export const LLM_TEACHER_FORMS = 'openai:MODEL, azure:DEPLOYMENT, ollama:MODEL or gguf:PATH';

export class BuiltinTeacher implements Teacher {
  readonly id = 'builtin';
  private readonly vocab: Vocabulary;
  private readonly totals: TeacherStats = emptyTeacherStats();

  constructor(vocab: Vocabulary = defaultVocabulary()) {
    this.vocab = vocab;
  }

  supports(kind: TeacherJob['kind']): boolean {
    return kind === 'story';
  }

  async complete(request: TeacherRequest): Promise<TeacherReply> {
    const job = request.job;
    if (!job) {
      throw new WrenError(`the builtin teacher writes stories from seeds and cannot answer free-form prompts; use a model teacher (${LLM_TEACHER_FORMS})`);
    }
    if (job.kind === 'textbook') {
      throw new WrenError(`the builtin teacher writes only stories and instruct records, not textbooks; use --teacher ${LLM_TEACHER_FORMS}`);
    }
    if (job.kind === 'summary') {
      throw new WrenError('the builtin teacher writes its summary together with the story; it cannot summarise another text');
    }
    const story = writeStory(this.vocab, job.seeds, job.sampleSeed);
    // A grammar reads and writes no tokens: its usage is zero, not a guess from the text's length.
    const usage = { promptTokens: 0, completionTokens: 0 };
    this.totals.requests++;
    return { text: story.text, summary: story.summary, usage, model: 'builtin-story-grammar', finishReason: 'stop' };
  }

  stats(): TeacherStats {
    return { ...this.totals };
  }

  async close(): Promise<void> {}
}

export function createBuiltinTeacher(vocab?: Vocabulary): BuiltinTeacher {
  return new BuiltinTeacher(vocab);
}
