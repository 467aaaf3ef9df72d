// Annotation prompts. `web` is the FineWeb-Edu additive 0–5 prompt as published in the FineWeb
// paper's appendix (Penedo et al. 2024; copy in ../shared/data/edu-value/, checked by a test),
// with {example} replaced by the document. `code` is Wren's variant in the spirit of phi-1
// (Gunasekar et al. 2023), which asked GPT-4 for "educational value for a student whose goal is to
// learn basic coding concepts"; it keeps the additive scale and the answer format so one parser
// reads both.

export const FINEWEB_EDU_PROMPT = `Below is an extract from a web page. Evaluate whether the page has a high educational
value and could be useful in an educational setting for teaching from primary school to
grade school levels using the additive 5-point scoring system described below. Points are
accumulated based on the satisfaction of each criterion:
- Add 1 point if the extract provides some basic information relevant to educational top-
ics, even if it includes some irrelevant or non-academic content like advertisements and
promotional material.
- Add another point if the extract addresses certain elements pertinent to education but
does not align closely with educational standards. It might mix educational content with
non-educational material, offering a superficial overview of potentially useful topics, or
presenting information in a disorganized manner and incoherent writing style.
- Award a third point if the extract is appropriate for educational use and introduces key
concepts relevant to school curricula. It is coherent though it may not be comprehensive
or could include some extraneous information. It may resemble an introductory section of
a textbook or a basic tutorial that is suitable for learning but has notable limitations like
treating concepts that are too complex for grade school students.
- Grant a fourth point if the extract highly relevant and beneficial for educational purposes
for a level not higher than grade school, exhibiting a clear and consistent writing style. It
could be similar to a chapter from a textbook or a tutorial, offering substantial educational
content, including exercises and solutions, with minimal irrelevant information, and the
concepts aren’t too advanced for grade school students. The content is coherent, focused,
and valuable for structured learning.
- Bestow a fifth point if the extract is outstanding in its educational value, perfectly suited for
teaching either at primary school or grade school. It follows detailed reasoning, the writing
style is easy to follow and offers profound and thorough insights into the subject matter,
devoid of any non-educational or complex content.
The extract: {example}.
After examining the extract:
- Briefly justify your total score, up to 100 words.
- Conclude with the score using the format: "Educational score: <total points>"`;

export const CODE_EDU_PROMPT = `Below is a source file. Evaluate its educational value for a student whose goal is to learn
basic coding concepts, using the additive 5-point scoring system described below. Points are
accumulated based on the satisfaction of each criterion:
- Add 1 point if the file contains valid, working code, even if it is boilerplate, configuration
or mostly glue with little to learn from.
- Add another point if it addresses practical concepts (data structures, control flow, functions,
error handling), even if it lacks comments or mixes them with unrelated detail.
- Award a third point if it is suitable for learning: readable, with meaningful names and some
comments, introducing key programming concepts, even if parts are too advanced or depend on
context that is not shown.
- Grant a fourth point if it is self-contained and highly relevant to teaching programming, like
a tutorial example or a textbook exercise: clear structure, explanatory comments or docstrings,
no dependence on external configuration.
- Bestow a fifth point if it is outstanding for teaching: it reads like a worked lesson, explains
each step and why it is done that way, and would be a good example in a programming course.
The file: {example}.
After examining the file:
- Briefly justify your total score, up to 100 words.
- Conclude with the score using the format: "Educational score: <total points>"`;

export const ANNOTATION_PROMPTS: Record<string, string> = { web: FINEWEB_EDU_PROMPT, code: CODE_EDU_PROMPT };

/** The last "Educational score: N" in a reply (0–5, decimals allowed), or null. */
export function parseEduScore(reply: string): number | null {
  const matches = [...reply.matchAll(/educational score:\s*\**\s*(\d+(?:\.\d+)?)/gi)];
  if (matches.length === 0) return null;
  const n = Number(matches[matches.length - 1][1]);
  return n >= 0 && n <= 5 ? n : null;
}
