// `wren filter` killed at seeded random moments, several times a run, then resumed: the output is
// byte for byte the uninterrupted run's, for every built-in recipe and for one that puts exact
// dedup first (where a corrupted key log once let 200–400 duplicates through, exit 0).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, runCli, scratchDir, sharedFile } from '../_helpers.ts';
import { campaigns, killCampaign } from './_kill.ts';

const text = sharedFile('tinystories/TinyStories-train_head2MiB.txt');
const dedupFirst = `name: dedup-first
stages:
  - stage: exact-dedup
  - stage: normalize
  - stage: gopher-quality
    minWords: 30
  - stage: gopher-repetition
  - stage: minhash-dedup
  - stage: edu-value
    scorer: heuristic
    profile: stories
    threshold: 2.5
`;

const RECIPES = ['dedup-first', 'stories', 'web', 'code'];
for (const recipe of RECIPES) {
  test(`filter --recipe ${recipe}: killed and resumed, the output is the straight run's`, { skip: text.skip, timeout: 1_800_000 }, async () => {
    const dir = scratchDir();
    // Text: six copies, so dedup has something to remove across inputs. Code: this checkout's
    // installed packages (real JavaScript and TypeScript).
    const inputs = recipe === 'code' ? ['yaml', 'tsx', '@types'].map((p) => join(repoRoot, 'node_modules', p)) : [1, 2, 3, 4, 5, 6].map((i) => join(dir, `in${i}.txt`));
    if (recipe !== 'code') for (const p of inputs) copyFileSync(text.path, p);
    const recipeArg = recipe === 'dedup-first' ? join(dir, 'dedup-first.yaml') : recipe;
    if (recipe === 'dedup-first') writeFileSync(recipeArg, dedupFirst);
    const args = (out: string) => ['filter', '--in', ...inputs, '--out', out, '--recipe', recipeArg, '--checkpoint-every', recipe === 'code' ? '10' : '100'];

    const straight = runCli(args(join(dir, 'straight.jsonl')));
    assert.equal(straight.status, 0, straight.stderr);
    const expected = readFileSync(join(dir, 'straight.jsonl'));
    const n = campaigns(recipe === 'dedup-first' ? 3 : 1, RECIPES.length);
    for (let c = 0; c < n; c++) {
      const out = join(dir, `run${c}.jsonl`);
      const { final, killed, log } = await killCampaign(args(out), { seed: 1000 * c + recipe.length, kills: 3, watch: `${out}.partial`, finalBytes: expected.length });
      assert.ok(killed >= 1, `campaign ${c}: no run was killed\n${log.join("\n")}`);
      assert.equal(final.status, 0, `campaign ${c}:\n${log.join('\n')}`);
      assert.ok(readFileSync(out).equals(expected), `campaign ${c} (${killed} kills): the output differs from the straight run\n${log.join('\n')}`);
      for (const side of ['.partial', '.state', '.ckpt.json']) assert.ok(!existsSync(out + side), `${side} removed at the end`);
      rmSync(out);
      rmSync(`${out}.passes.json`);
    }
  });
}
