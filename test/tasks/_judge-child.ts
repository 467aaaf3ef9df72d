// Child process of the judge kill test (judge.test.ts): grades KILL_ITEMS through the judge double
// at argv[2] into the log at argv[3], one request at a time, until the parent SIGKILLs it.
import { createTeacher } from '../../src/llm/create.ts';
import { taskPrompt, taskRubric } from '../../src/tasks/judge/rubrics.ts';
import { runJudge, type JudgeItem } from '../../src/tasks/judge/run.ts';

export const KILL_ITEMS: JudgeItem[] = Array.from({ length: 20 }, (_, i) => ({
  system: 'small', line: i + 2, messages: taskPrompt('support', '', `question ${i}`, `reference ${i}`, `answer ${i}`),
}));

if (process.argv[1]?.endsWith('_judge-child.ts') && process.argv[2]) {
  const teacher = await createTeacher('openai:judge-double', { baseUrl: process.argv[2], env: {}, maxRetries: 0 });
  await runJudge(KILL_ITEMS, teacher, process.argv[3], { rubric: taskRubric('support'), maxTokens: 100, attempts: 2, concurrency: 1 });
}
