// Decontamination on real data: TinyStories training stories against the 44 official TinyStories
// evaluation prompts. Every drop must name a 13-gram that really occurs in both texts (checked
// here independently with plain string search), and no kept story may contain one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readEvalTexts } from '../../src/data/filter/stages/decontaminate.ts';
import { sharedFile } from '../_helpers.ts';
import { stage } from './helpers.ts';

const prompts = sharedFile('tinystories/TinyStories_Evaluation_prompts.yaml');
const train = sharedFile('tinystories/TinyStories-train_head2MiB.txt');
const norm = (t: string) => ` ${t.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean).join(' ')} `;

test('decontaminate: TinyStories train stories sharing a 13-gram with the evaluation prompts', { skip: prompts.skip || train.skip }, async () => {
  const evalTexts = readEvalTexts(prompts.path).map(norm);
  assert.equal(evalTexts.length, 44);
  const s = await stage('decontaminate', { evalSets: [prompts.path] });
  const stories = readFileSync(train.path, 'utf8').split('\n<|endoftext|>\n').slice(0, 2300);
  let dropped = 0;
  for (const story of stories) {
    const v = await s.apply({ id: 'x', text: story, meta: {}, origin: 'x' });
    const words = norm(story).trim().split(' ');
    if (v.keep) {
      // Spot-check kept stories: no 13-gram of their first 40 words is in an eval prompt.
      for (let i = 0; i + 13 <= Math.min(words.length, 40); i++) {
        const g = ` ${words.slice(i, i + 13).join(' ')} `;
        assert.ok(!evalTexts.some((e) => e.includes(g)), `kept story contains "${g.trim()}"`);
      }
      continue;
    }
    dropped++;
    const gram = /"([^"]+)"$/.exec(v.detail ?? '')![1];
    assert.equal(gram.split(' ').length, 13);
    assert.ok(norm(story).includes(` ${gram} `), 'the 13-gram is in the story');
    assert.ok(evalTexts.some((e) => e.includes(` ${gram} `)), 'and in an eval prompt');
  }
  assert.ok(dropped >= 1 && dropped < stories.length / 50, `dropped ${dropped} of ${stories.length}`);
});
