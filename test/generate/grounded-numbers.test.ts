// Grounded numbers: a long number or a money amount may be written only as the source has it;
// short numbers stay free; a number begun must be finished as the source writes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { GroundedNumbers, sourceNumbers } from '../../src/generate/grounded-numbers.ts';
import { loadGgufTokenizer } from '../../src/nn/gguf-llama.ts';
import { repoRoot } from '../_helpers.ts';

const tok = loadGgufTokenizer(join(repoRoot, 'models/tinystories-teacher.gguf'));

test('the forms a source number may take', () => {
  assert.deepEqual(sourceNumbers('refund of $1,200 for order 3707955617'), ['1,200', '1200', '3707955617', '3,707,955,617']);
  assert.deepEqual(sourceNumbers('no numbers here'), []);
});

test('long numbers and amounts must come from the source; short ones are free', () => {
  const g = new GroundedNumbers(tok, 'I want to cancel purchase 3707955617, a $160 order');
  assert.ok(g.allows('cancel purchase ', '3707'), 'on the way to the source number');
  assert.ok(g.allows('cancel purchase 3707', '955617'));
  assert.ok(!g.allows('cancel purchase 3707955617', '90'), 'running past the end of it');
  assert.ok(!g.allows('cancel purchase 37079', ' now'), 'stopping short of it');
  assert.ok(!g.allows('invoice #', '85632'), 'a number the customer never wrote');
  assert.ok(g.allows('a refund of $', '16') && g.allows('a refund of $160', '.'), 'the amount, then a full stop');
  assert.ok(!g.allows('a refund of $', '1499'));
  assert.ok(!g.allows('a refund of $1', ' dollars'), 'an amount cut short');
  assert.ok(g.allows('Steps:\n', '1.') && g.allows('within ', '24') && g.allows('within 24', ' hours'), 'list items and small counts');
  assert.ok(!g.allows('within 24', '0'), 'but not a third digit the source lacks');
  const none = new GroundedNumbers(tok, 'where do I ask for a rebate');
  assert.ok(!none.allows('a rebate of', ' $'), 'no amount in the source: no currency sign');
  assert.ok(none.allows('Step ', '2'));
  const grouped = new GroundedNumbers(tok, 'refund 1200 please');
  assert.ok(grouped.allows('a refund of $1', ',200') && grouped.allows('a refund of $', '1200'), 'grouped or not');
  assert.ok(!grouped.allows('a refund of $1', ',2 now') && !grouped.allows('a refund of $12', ',00'), 'but grouped in thousands only');
});

test('apply masks exactly the tokens that would write an ungrounded number', () => {
  const g = new GroundedNumbers(tok, 'order 12588');
  const logits = new Float32Array(tok.vocabSize);
  g.apply(logits, 'Your order 125');
  const masked = [...logits.keys()].filter((id) => logits[id] === -Infinity);
  const piece = (id: number) => new TextDecoder().decode(tok.tokenBytes(id));
  assert.ok(masked.length > 0 && masked.length < tok.vocabSize);
  for (let id = 0; id < tok.vocabSize; id++) assert.equal(logits[id] === -Infinity, !g.allows('Your order 125', piece(id)), piece(id));
  const eight = tok.encode('8').at(-1)!;
  assert.equal(logits[eight], 0, 'the next digit of the source number');
  assert.equal(logits[tok.encode(' the').at(-1)!], -Infinity, 'not stopping mid-number');
});
