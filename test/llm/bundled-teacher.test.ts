// The bundled teacher (models/tinystories-teacher, `--teacher wren`) is what `wren synth stories`
// uses when no teacher is named: it loads from the package, decodes the jobs in one batch and
// writes records the synth validator accepted (every seed word used). No text is asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkStory } from '../../src/data/synth/validate.ts';
import { defaultVocabulary } from '../../src/data/seeds/vocabulary.ts';
import { runCli, scratchDir } from '../_helpers.ts';

test('wren synth stories with no teacher named writes with the bundled teacher', () => {
  const out = join(scratchDir(), 'stories.jsonl');
  const r = runCli(['synth', 'stories', '--count', '6', '--out', out, '--seed', '3']);
  assert.equal(r.status, 0, r.stderr);
  const records = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(records.length, 6);
  const vocab = defaultVocabulary();
  for (const rec of records) {
    assert.match(rec.teacher, /^wren:.*models\/tinystories-teacher\.gguf$/);
    assert.equal(checkStory(rec.text, rec.seeds, vocab), undefined);
    assert.ok(rec.usage.completion_tokens > 0 || rec.usage.completionTokens > 0, JSON.stringify(rec.usage));
  }
});
